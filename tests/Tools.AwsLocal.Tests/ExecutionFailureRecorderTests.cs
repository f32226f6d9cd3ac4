using System.Text.Json.Nodes;

namespace ImagingGateway.Tools.AwsLocal.Tests;

/// <summary>
/// Issue #22, item 4, run whole: an execution stopped from outside never reaches RecordFailure; the template's
/// EventBridge rule on execution status changes invokes the recorder function, which records the job FAILED.
/// </summary>
[Collection(AwsLocalCollection.Name)]
public sealed class ExecutionFailureRecorderTests(AwsLocalRun run) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public Task InitializeAsync() => run.PostAsync("/medical-imaging/reset", []);

    public Task DisposeAsync() => run.PostAsync("/medical-imaging/reset", []);

    [Fact]
    public async Task GivenAnExecutionAbortedWhileItsJobRuns_WhenItsStatusChangeEventIsDelivered_ThenTheJobIsRecordedFailed()
    {
        await run.PostAsync("/medical-imaging/polls", new JsonObject { ["pollsToComplete"] = 100_000 });
        var known = await run.ExecutionNamesAsync();
        await run.StoreAsync(TestStudy.Create(run.RunDirectory, 1));
        var running = await AwsLocalRun.EventuallyAsync(
            async () => (await run.ExecutionsAsync()).FirstOrDefault(e => !known.Contains((string)e["name"]!)), Timeout, "a new execution");
        var batchId = (string)running["name"]!;
        await AwsLocalRun.EventuallyAsync(
            async () => (await run.JobItemsAsync(batchId)).FirstOrDefault(i => i["jobStatus"].S == "IN_PROGRESS"), Timeout, "the job IN_PROGRESS");

        await run.PostAsync("/executions/stop", new JsonObject { ["executionArn"] = (string)running["arn"]! });

        var item = await AwsLocalRun.EventuallyAsync(
            async () => (await run.JobItemsAsync(batchId)).FirstOrDefault(i => i["jobStatus"].S == "FAILED"), Timeout, "the job FAILED");
        Assert.Equal("ABORTED", (string)(await run.ExecutionsAsync()).Single(e => (string)e["name"]! == batchId)["status"]!);
        Assert.False(string.IsNullOrEmpty(item["message"].S));
        Assert.False(string.IsNullOrEmpty(item["endedAt"].S));
        Assert.Contains(run.Requests(), r => (string)r["principal"]! == "events.amazonaws.com" && (string)r["action"]! == "lambda:InvokeFunction");
    }
}
