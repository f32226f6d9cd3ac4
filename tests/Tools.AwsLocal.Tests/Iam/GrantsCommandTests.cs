using System.Text.Json.Nodes;

namespace ImagingGateway.Tools.AwsLocal.Tests.Iam;

/// <summary>The IAM check itself, on hand-made policies and calls, so that the audit of a real run can be trusted.</summary>
public sealed class GrantsCommandTests : IDisposable
{
    private const string Bucket = "arn:aws:s3:::dicom";
    private readonly string _directory = Directory.CreateTempSubdirectory("grants-").FullName;
    private readonly string _root = AwsLocalRun.FindRoot();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task GivenAWildcardGrantPerPrefix_WhenCallsStayInsideIt_ThenEveryCallIsGrantedAndNothingIsUnused()
    {
        Write(new JsonObject { ["Fn"] = Principal(Allow(["s3:GetObject*"], [$"{Bucket}/batches/*"])) },
            ("Fn", "s3:GetObject", $"{Bucket}/batches/1.json"));

        var result = await GrantsCommandRun.RunAsync(_root, _directory);

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.NotGranted);
        Assert.Empty(result.Unused);
    }

    [Fact]
    public async Task GivenACallOutsideTheGrantedPrefix_WhenAudited_ThenItIsNotGrantedAndTheCommandFails()
    {
        Write(new JsonObject { ["Fn"] = Principal(Allow(["s3:GetObject"], [$"{Bucket}/batches/*"])) },
            ("Fn", "s3:GetObject", $"{Bucket}/dicom/1.dcm"),
            ("Fn", "s3:PutObject", $"{Bucket}/batches/1.json"),
            ("Other", "s3:GetObject", $"{Bucket}/batches/1.json"));

        var result = await GrantsCommandRun.RunAsync(_root, _directory);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            [
                $"NOT GRANTED  Fn: s3:GetObject on {Bucket}/dicom/1.dcm",
                $"NOT GRANTED  Fn: s3:PutObject on {Bucket}/batches/1.json",
                $"NOT GRANTED  Other: s3:GetObject on {Bucket}/batches/1.json",
            ],
            result.NotGranted);
        Assert.Equal([$"Fn: s3:GetObject on {Bucket}/batches/*"], result.Unused);
    }

    [Fact]
    public async Task GivenAnAllowAndADenyOnTheSameCall_WhenAudited_ThenTheDenyWins()
    {
        var statements = Allow(["s3:*"], [$"{Bucket}/*"]);
        statements.Add(new JsonObject { ["Effect"] = "Deny", ["Action"] = "s3:DeleteObject", ["Resource"] = $"{Bucket}/*" });
        Write(new JsonObject { ["Fn"] = Principal(statements) }, ("Fn", "s3:DeleteObject", $"{Bucket}/dicom/1.dcm"));

        var result = await GrantsCommandRun.RunAsync(_root, _directory);

        Assert.Equal([$"NOT GRANTED  Fn: s3:DeleteObject on {Bucket}/dicom/1.dcm"], result.NotGranted);
    }

    [Theory]
    [InlineData("medical-imaging.amazonaws.com", true)]
    [InlineData("ec2.amazonaws.com", false)]
    public async Task GivenPassRoleLimitedToAService_WhenAudited_ThenOnlyThatServiceConditionIsGranted(string service, bool granted)
    {
        const string role = "arn:aws:iam::111122223333:role/DataAccess";
        var statements = new JsonArray(new JsonObject
        {
            ["Effect"] = "Allow",
            ["Action"] = "iam:PassRole",
            ["Resource"] = role,
            ["Condition"] = new JsonObject { ["StringEquals"] = new JsonObject { ["iam:PassedToService"] = service } },
        });
        Write(new JsonObject { ["Fn"] = Principal(statements) }, ("Fn", "iam:PassRole", role));

        var result = await GrantsCommandRun.RunAsync(_root, _directory);

        Assert.Equal(granted, result.NotGranted.Count == 0);
    }

    private void Write(JsonObject principals, params (string Principal, string Action, string Resource)[] requests)
    {
        File.WriteAllText(Path.Combine(_directory, "principals.json"), principals.ToJsonString());
        File.WriteAllLines(Path.Combine(_directory, "requests.jsonl"), requests.Select(r =>
            new JsonObject { ["principal"] = r.Principal, ["action"] = r.Action, ["resource"] = r.Resource }.ToJsonString()));
    }

    private static JsonObject Principal(JsonArray statements) => new() { ["kind"] = "lambda", ["statements"] = statements };

    private static JsonArray Allow(string[] actions, string[] resources) => new(new JsonObject
    {
        ["Effect"] = "Allow",
        ["Action"] = new JsonArray([.. actions.Select(a => (JsonNode)a)]),
        ["Resource"] = new JsonArray([.. resources.Select(r => (JsonNode)r)]),
    });
}
