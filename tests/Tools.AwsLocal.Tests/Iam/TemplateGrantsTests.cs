using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ImagingGateway.Tools.AwsLocal.Tests.Iam;

/// <summary>
/// Issue #22: each role of the synthesized template grants what its code calls. The run drives every path that makes an
/// AWS call (an import, the Gateway's job and instance API, a storage commitment, a duplicate S3 event, a failed import
/// recorded by Catch and by the execution-failure recorder, a retry of each kind of ended job); then every call must be
/// granted by its role's policy, and a grant no call used must
/// be one of <see cref="Justified"/>, each with the reason no code path of ours calls it.
/// </summary>
[Collection(AwsLocalCollection.Name)]
public sealed partial class TemplateGrantsTests(AwsLocalRun run) : IAsyncLifetime
{
    /// <summary>Grants that no call of a run uses, and why they stay. Principal and action are regular expressions.</summary>
    private static readonly (string Principal, string Action, string Reason)[] Justified =
    [
        ("FunctionServiceRole", @"^xray:Put(TraceSegments|TelemetryRecords)$", "active tracing: the Lambda service sends the function's segments"),
        ("^(TriggerImport|RecordExecutionFailure)FunctionServiceRole", "^sqs:SendMessage$", "Lambda sends an event that failed its retries to the dead-letter queue under the function's role"),
        ("FunctionServiceRole", "^s3:ListBucket$", "without it S3 answers a missing key 403, and a missing object would read as a permission error"),
        ("^StartImportJobFunctionServiceRole", "^dynamodb:GetItem$", "a retried StartImportJob whose job is already recorded reads it back"),
        ("^GatewayTask.*TaskRole", "^s3:ListBucket$", "without it S3 answers a missing results object 403, and a missing object would read as a permission error"),
        ("^RecordExecutionFailureFunctionServiceRole", "^dynamodb:(PutItem|UpdateItem)$", "an execution that timed out or was aborted: its job is moved to FAILED, or created FAILED if none started"),
        ("StateMachineRole", "^lambda:InvokeFunction$", "CDK grants the function's versions (ARN:*) beside the unqualified ARN the definition invokes"),
        ("StateMachineRole", "^(logs|xray):", "the Step Functions service delivers the execution logs and traces"),
        ("^GatewayTask.*TaskRole", "^s3:AbortMultipartUpload$", "an upload of an instance above the part size that fails is aborted"),
        ("^GatewayTask.*TaskRole", "^dynamodb:UpdateItem$", "a batch recorded again (a replayed close, or recovery racing one) updates its received-instance items in place so their import outcomes stay; a delivered storage commitment report is recorded on a job only when the job ended before the report, and this run's report comes first"),
        ("^GatewayTask.*TaskRole", "^logs:(CreateLogStream|PutLogEvents)$", "the metrics collector sidecar writes its embedded-metric-format logs"),
        ("ExecutionRole", ".", "the ECS agent pulls the image and sends the container logs with the execution role"),
        ("^NetworkFlowLogRole", ".", "VPC flow logs deliver with it"),
        ("HealthImagingDataAccessRole", ".", "HealthImaging, not our code, calls with its data access role; its policy is the one the service documents"),
        (@"\.amazonaws\.com$", "^lambda:InvokeFunction$", "a service's invoke permission is used only when its event fires"),
        ("CustomResourceProviderRole|^BucketNotificationsHandler", ".", "CloudFormation runs CDK's custom resources with them at deploy time"),
    ];

    public Task InitializeAsync() => run.PostAsync("/medical-imaging/reset", []);

    public Task DisposeAsync() => run.PostAsync("/medical-imaging/reset", []);

    [Fact]
    public async Task GivenEveryPathThatCallsAws_WhenTheRunIsAudited_ThenEveryCallIsGrantedAndOnlyJustifiedGrantsAreUnused()
    {
        var recorderCallsBefore = RecorderCalls();
        var (imported, batchId) = await ImportOneAsync();
        Assert.True((string)imported["status"]! == "SUCCEEDED", imported.ToJsonString());
        await UseGatewayApiAsync(batchId);
        await RequestCommitmentAsync();
        var delivered = run.S3EventOf(batchId);
        var (error, _) = await run.InvokeAsync((string)delivered["functionArn"]!, delivered["event"]!.ToJsonString(), "s3.amazonaws.com");
        Assert.Null(error);
        await run.PostAsync("/medical-imaging/errors", new JsonObject { ["operation"] = "GetDICOMImportJob", ["status"] = 403, ["code"] = "AccessDeniedException", ["count"] = 10 });
        var (failed, failedBatchId) = await ImportOneAsync();
        Assert.Equal("FAILED", (string)failed["status"]!);
        await run.PostAsync("/medical-imaging/reset", []);
        await run.PostAsync("/medical-imaging/errors", new JsonObject { ["operation"] = "StartDICOMImportJob", ["status"] = 400, ["code"] = "ValidationException", ["count"] = 1 });
        var (neverStarted, _) = await ImportOneAsync();
        Assert.Equal("FAILED", (string)neverStarted["status"]!);
        // Each recorded failure reads the job twice (find it, then the conditional move); the caught one is found by study.
        await RecorderRanAsync(recorderCallsBefore, getItems: 4, queries: 1);
        await RetryAsync(failedBatchId, batchId);

        var audit = await GrantsCommandRun.RunAsync(run.Root, run.RunDirectory);

        Assert.True(audit.ExitCode == 0, string.Join('\n', audit.NotGranted));
        Assert.Empty(audit.NotGranted);
        var unjustified = audit.Unused.Where(u => !IsJustified(u)).ToList();
        Assert.True(unjustified.Count == 0, "granted but used by no code path:\n" + string.Join('\n', unjustified));
    }

    /// <summary>EventBridge delivers a failed execution's event after the execution ends: wait for the recorder's reads.</summary>
    private async Task RecorderRanAsync((int GetItems, int Queries) before, int getItems, int queries)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (RecorderCalls() is var now && (now.GetItems - before.GetItems < getItems || now.Queries - before.Queries < queries))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the execution-failure recorder did not run for each failed execution ({now} after {before})");
            await Task.Delay(500);
        }
    }

    private (int GetItems, int Queries) RecorderCalls()
    {
        var calls = run.Requests().Where(r => ((string)r["principal"]!).StartsWith("RecordExecutionFailure", StringComparison.Ordinal)).ToList();
        return (calls.Count(r => (string)r["action"]! == "dynamodb:GetItem"), calls.Count(r => (string)r["action"]! == "dynamodb:Query"));
    }

    private static bool IsJustified(string unused)
    {
        var match = UnusedLine().Match(unused);
        Assert.True(match.Success, unused);
        return Justified.Any(j => Regex.IsMatch(match.Groups["principal"].Value, j.Principal) && Regex.IsMatch(match.Groups["action"].Value, j.Action));
    }

    /// <summary>
    /// The job and instance API: the job table (GetItem, Query by status and by study) and the received-instance index
    /// (GetItem of one instance, Query of its study).
    /// </summary>
    private async Task UseGatewayApiAsync(string batchId)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{(int)run.Run["httpPort"]!}/"), Timeout = TimeSpan.FromSeconds(30) };
        var job = Assert.Single(await run.JobItemsAsync(batchId));
        (await http.GetAsync($"api/jobs/{job["jobId"].S}")).EnsureSuccessStatusCode();
        (await http.GetAsync("api/jobs?status=COMPLETED")).EnsureSuccessStatusCode();
        (await http.GetAsync($"api/instances/{job["sopInstanceUID"].S}")).EnsureSuccessStatusCode();
        (await http.GetAsync($"api/instances?studyInstanceUID={job["studyInstanceUID"].S}")).EnsureSuccessStatusCode();
    }

    /// <summary>
    /// POST /api/jobs/{jobId}/retry on both kinds of ended job: a FAILED job's batch is imported again, and StartImportJob
    /// links the two jobs (retriedBy); a COMPLETED job's results are read from the results bucket, and since it has no
    /// failed file nothing is retried.
    /// </summary>
    private async Task RetryAsync(string failedBatchId, string completedBatchId)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{(int)run.Run["httpPort"]!}/"), Timeout = TimeSpan.FromSeconds(30) };
        var failedJobId = Assert.Single(await run.JobItemsAsync(failedBatchId))["jobId"].S;
        var known = await run.ExecutionNamesAsync();
        using (var accepted = await http.PostAsync($"api/jobs/{failedJobId}/retry", content: null))
        {
            Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync());
        }

        var retry = await run.WaitForNewExecutionAsync(known, TimeSpan.FromSeconds(180));
        Assert.True((string)retry["status"]! == "SUCCEEDED", retry.ToJsonString());
        var retryJobId = Assert.Single(await run.JobItemsAsync((string)retry["name"]!))["jobId"].S;
        Assert.Equal(retryJobId, Assert.Single(await run.JobItemsAsync(failedBatchId))["retriedBy"].S);

        var completedJobId = Assert.Single(await run.JobItemsAsync(completedBatchId))["jobId"].S;
        using var refused = await http.PostAsync($"api/jobs/{completedJobId}/retry", content: null);
        var body = await refused.Content.ReadAsStringAsync();
        Assert.True(refused.StatusCode == HttpStatusCode.Conflict, body);
        Assert.Contains("no failed file", body, StringComparison.Ordinal);
    }

    /// <summary>
    /// Storage commitment (issue #26): the Gateway's <c>send --commit</c> stores an instance and asks for its commitment,
    /// so the Gateway records the request (PutItem), lists and claims it (Query on byDue, UpdateItem), decides it
    /// (GetItem) and records the report (PutItem); the instance's own import is waited for, so it ends before the next path.
    /// </summary>
    private async Task RequestCommitmentAsync()
    {
        var known = await run.ExecutionNamesAsync();
        var gateway = Path.Combine(run.Root, "src", "Hosts", "Gateway", "bin", AwsLocalRun.Configuration, "net10.0", "ImagingGateway.Gateway.dll");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { gateway, "send", "127.0.0.1", ((int)run.Run["dicomPort"]!).ToString(System.Globalization.CultureInfo.InvariantCulture) }
            .Concat(TestStudy.Create(run.RunDirectory, 1))
            .Concat(["--called-ae", (string)run.Run["aeTitle"]!, "--commit", "--commit-timeout", "00:01:00"]))
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"send --commit failed ({process.ExitCode}): {output}");
        Assert.Contains("1 of 1 instance(s) committed, 0 failed", output, StringComparison.Ordinal);
        Assert.Equal("SUCCEEDED", (string)(await run.WaitForNewExecutionAsync(known, TimeSpan.FromSeconds(180)))["status"]!);
    }

    private async Task<(JsonObject Execution, string BatchId)> ImportOneAsync()
    {
        var known = await run.ExecutionNamesAsync();
        await run.StoreAsync(TestStudy.Create(run.RunDirectory, 1));
        var execution = await run.WaitForNewExecutionAsync(known, TimeSpan.FromSeconds(180));
        return (execution, (string)execution["name"]!);
    }

    [GeneratedRegex(@"^(?<principal>\S+): (?<action>\S+) on (?<resource>.+)$")]
    private static partial Regex UnusedLine();
}
