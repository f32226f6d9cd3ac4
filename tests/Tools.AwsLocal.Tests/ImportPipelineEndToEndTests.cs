using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ImagingGateway.Tools.AwsLocal.Tests;

/// <summary>
/// Issue #22's "Done when": a multi-series study sent with storescu to the Gateway in AWS mode, through the S3 event,
/// the synthesized state machine and the three handlers with their template environments, ends COMPLETED in DynamoDB
/// with every attribute of DicomImportJobTable and HealthImaging's output manifest counting every file.
/// </summary>
[Collection(AwsLocalCollection.Name)]
public sealed class ImportPipelineEndToEndTests(AwsLocalRun run) : IAsyncLifetime
{
    private static readonly string[] JobTableAttributes =
    [
        "jobId", "jobStatus", "submittedAt", "inputS3Uri", "outputS3Uri", "datastoreId", "dataAccessRoleArn",
        "studyDate", "studyInstanceUID", "seriesInstanceUID", "sopInstanceUID", "endedAt", "message",
    ];

    public Task InitializeAsync() => run.PostAsync("/medical-imaging/reset", []);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task GivenAMultiSeriesStudy_WhenStorescuSendsItToTheGatewayInAwsMode_ThenTheJobIsCompletedWithEveryAttributeAndTheManifestCountsEveryFile()
    {
        var files = TestStudy.Create(run.RunDirectory, 2, 2, 1);
        var known = await run.ExecutionNamesAsync();

        await run.StoreAsync(files);
        var execution = await run.WaitForNewExecutionAsync(known, TimeSpan.FromSeconds(120));

        Assert.True((string)execution["status"]! == "SUCCEEDED", execution.ToJsonString());
        var batchId = (string)execution["name"]!;
        var item = Assert.Single(await run.JobItemsAsync(batchId));
        foreach (var attribute in JobTableAttributes)
        {
            Assert.True(item.TryGetValue(attribute, out var value) && !string.IsNullOrEmpty(value.S), $"{attribute} is missing or empty");
        }
        Assert.Equal("COMPLETED", item["jobStatus"].S);
        Assert.EndsWith($"/{batchId}/", item["inputS3Uri"].S, StringComparison.Ordinal);
        Assert.Equal($"s3://{run.ResultsBucket}/{batchId}/", item["outputS3Uri"].S);
        Assert.Equal((string)run.Run["datastores"]![0]!, item["datastoreId"].S);
        Assert.StartsWith("arn:aws:iam::111122223333:role/", item["dataAccessRoleArn"].S, StringComparison.Ordinal);
        Assert.Equal("20040119", item["studyDate"].S);

        var manifest = JsonNode.Parse(await run.ReadResultAsync(batchId, "/job-output-manifest.json"))!["jobSummary"]!;
        Assert.Equal(files.Count, (int)manifest["numberOfScannedFiles"]!);
        Assert.Equal(files.Count, (int)manifest["numberOfImportedFiles"]!);
        var successLines = (await run.ReadResultAsync(batchId, "/SUCCESS/success.ndjson")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(files.Count, successLines.Length);
        Assert.Empty((await run.GetAsync("/violations")).AsArray());

        var jobs = await JobsListAsync();
        Assert.Contains(item["jobId"].S, jobs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenAnImportedBatch_WhenTheRequestLogIsRead_ThenEveryCallIsAttributedToTheRoleOfItsCaller()
    {
        var known = await run.ExecutionNamesAsync();
        await run.StoreAsync(TestStudy.Create(run.RunDirectory, 1));
        var execution = await run.WaitForNewExecutionAsync(known, TimeSpan.FromSeconds(120));
        Assert.True((string)execution["status"]! == "SUCCEEDED", execution.ToJsonString());

        var requests = run.Requests();
        Assert.All(requests, r =>
        {
            Assert.Matches("^[a-z0-9-]+:[A-Za-z0-9]+$", (string)r["action"]!);
            Assert.StartsWith("arn:aws:", (string)r["resource"]!, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty((string?)r["principal"]));
        });
        var functions = run.Run["functions"]!.AsObject();
        foreach (var (_, function) in functions)
        {
            Assert.Contains(requests, r => (string)r["principal"]! == (string)function!["role"]! && !((string)r["action"]!).StartsWith("lambda:", StringComparison.Ordinal));
        }
        Assert.Contains(requests, r => (string)r["action"]! == "lambda:InvokeFunction" && ((string)r["principal"]!).Contains("StateMachineRole", StringComparison.Ordinal));
        Assert.Contains(requests, r => (string)r["action"]! == "s3:PutObject" && ((string)r["principal"]!).Contains("TaskRole", StringComparison.Ordinal));
        Assert.Contains(requests, r => (string)r["action"]! == "iam:PassRole");
    }

    /// <summary><c>jobs list --json</c> of the Gateway's CLI with env.sh's configuration, as docs/aws.md shows.</summary>
    private async Task<string> JobsListAsync()
    {
        var gateway = Path.Combine(run.Root, "src", "Hosts", "Gateway", "bin", AwsLocalRun.Configuration, "net10.0", "ImagingGateway.Gateway.dll");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(gateway);
        info.ArgumentList.Add("jobs");
        info.ArgumentList.Add("list");
        info.ArgumentList.Add("--json");
        foreach (var line in File.ReadAllLines(Path.Combine(run.RunDirectory, "env.sh")))
        {
            var assignment = line["export ".Length..];
            var eq = assignment.IndexOf('=', StringComparison.Ordinal);
            info.Environment[assignment[..eq]] = assignment[(eq + 2)..^1];
        }
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"jobs list failed: {output}{error}");
        return output;
    }
}
