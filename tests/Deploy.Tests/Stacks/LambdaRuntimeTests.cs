namespace ImagingGateway.Deploy.Tests.Stacks;

/// <summary>
/// Issue #23 item 3: no function in the template, CDK's own providers included, uses a runtime AWS has closed for
/// new functions. The dates are the "Block function create" column of the AWS Lambda developer guide's runtime
/// tables (read 2026-12; projected dates there move, so a past or uncertain date is entered at its earliest). A runtime
/// missing from the table fails the test until someone looks it up.
/// </summary>
[Collection(ConfiguredAppCollection.Name)]
public sealed class LambdaRuntimeTests(ConfiguredApp app)
{
    /// <summary>Runtime identifier → the first day AWS refuses to create a function on it (null: none announced).</summary>
    public static readonly IReadOnlyDictionary<string, DateOnly?> BlockCreate = new Dictionary<string, DateOnly?>
    {
        ["nodejs16.x"] = new DateOnly(2025, 2, 28),
        ["nodejs18.x"] = new DateOnly(2025, 9, 1),
        ["nodejs20.x"] = new DateOnly(2026, 6, 1),
        ["nodejs22.x"] = new DateOnly(2027, 6, 1),
        ["nodejs24.x"] = new DateOnly(2028, 6, 1),
        ["python3.9"] = new DateOnly(2025, 12, 15),
        ["python3.10"] = new DateOnly(2026, 6, 30),
        ["python3.11"] = new DateOnly(2026, 6, 30),
        ["python3.12"] = new DateOnly(2028, 10, 31),
        ["python3.13"] = new DateOnly(2029, 6, 30),
        ["dotnet8"] = new DateOnly(2026, 11, 10),
        ["dotnet10"] = new DateOnly(2028, 11, 14),
    };

    [Fact]
    public void GivenTemplate_WhenReadingEveryFunctionRuntime_ThenAwsStillCreatesFunctionsOnIt()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var functions = app.Resources("AWS::Lambda::Function");
        // Three handlers, the S3 notifications provider and the default-security-group provider.
        Assert.True(functions.Count >= 5, $"{functions.Count} functions");
        foreach (var (id, function) in functions)
        {
            var runtime = function.Props().GetProperty("Runtime").GetString()!;
            Assert.True(BlockCreate.TryGetValue(runtime, out var blocked), $"{id}: runtime {runtime} is not in the dated table; look it up and add it");
            Assert.True(blocked is null || blocked > today, $"{id}: AWS blocks creating {runtime} functions since {blocked}");
        }
    }

    [Fact]
    public void GivenTemplate_WhenReadingCustomResources_ThenEachProviderIsAFunctionOfTheCheckedTemplate()
    {
        var functions = app.Resources("AWS::Lambda::Function").Select(f => f.Id).ToHashSet();
        var custom = app.Json.RootElement.GetProperty("Resources").EnumerateObject()
            .Where(r => r.Value.GetProperty("Type").GetString()!.StartsWith("Custom::", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(custom);
        foreach (var resource in custom)
        {
            var provider = resource.Value.Props().GetProperty("ServiceToken").Target();
            Assert.True(provider is not null && functions.Contains(provider), $"{resource.Name}: provider {provider} is not a function of the template");
        }
    }
}
