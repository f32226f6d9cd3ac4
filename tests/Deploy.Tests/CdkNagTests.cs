using System.Diagnostics;
using System.Text.Json;

namespace ImagingGateway.Deploy.Tests;

/// <summary>
/// cdk-nag's AwsSolutions and HIPAA Security packs over the synthesized template (tests/tools/nag/run-nag.js): no
/// error unless a suppression in tests/tools/nag/suppressions.json names its rule and resource with a reason, and
/// docs/deploy.md lists every suppression.
/// </summary>
[Collection(DefaultAppCollection.Name)]
public sealed class CdkNagTests(DefaultApp app)
{
    [Fact]
    public async Task GivenDefaultTemplate_WhenRunningCdkNag_ThenNoErrorIsLeftUnsuppressed()
    {
        using var report = await RunNagAsync(app);
        AssertNoUnsuppressedError(report);
    }

    internal static void AssertNoUnsuppressedError(JsonDocument report)
    {
        var errors = report.RootElement.GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("level").GetString() == "error")
            .Select(f => $"{f.GetProperty("rule").GetString()} on {f.GetProperty("resource").GetString()}: {f.GetProperty("message").GetString()}")
            .ToList();
        Assert.True(errors.Count == 0, "unsuppressed cdk-nag errors:\n" + string.Join("\n", errors));
        Assert.NotEmpty(report.RootElement.GetProperty("suppressed").EnumerateArray());
    }

    [Fact]
    public void GivenSuppressions_WhenReadingDocs_ThenDeployMdListsEachRuleAndResource()
    {
        var docs = File.ReadAllText(Path.Combine(app.RepositoryRoot, "docs", "deploy.md"));
        using var suppressions = JsonDocument.Parse(File.ReadAllText(Path.Combine(app.RepositoryRoot, "tests", "tools", "nag", "suppressions.json")));
        foreach (var s in suppressions.RootElement.EnumerateArray())
        {
            var rule = s.GetProperty("rule").GetString()!;
            var resource = s.GetProperty("resource").GetString()!;
            Assert.True(docs.Contains($"| `{rule}` | `{resource}` |", StringComparison.Ordinal), $"docs/deploy.md does not list {rule} on {resource}");
        }
    }

    internal static async Task<JsonDocument> RunNagAsync(SynthesizedApp app)
    {
        var nag = Path.Combine(app.RepositoryRoot, "tests", "tools", "nag");
        Assert.True(Directory.Exists(Path.Combine(nag, "node_modules", "cdk-nag")), $"cdk-nag missing in {nag}: run tests/setup.d/25-cdk-nag.sh");
        var template = Path.Combine(Path.GetTempPath(), $"nag-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(template, app.TemplateJson);
        try
        {
            var start = new ProcessStartInfo("node", [Path.Combine(nag, "run-nag.js"), template, Path.Combine(nag, "suppressions.json")])
            {
                WorkingDirectory = nag,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"run-nag.js exited {process.ExitCode}\n{await stderr}");
            return JsonDocument.Parse(await stdout);
        }
        finally
        {
            File.Delete(template);
        }
    }
}
