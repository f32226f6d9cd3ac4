using System.Text.Json.Nodes;

namespace ImagingGateway.Tools.AwsLocal.Tests;

/// <summary>
/// The synthesized state machine executed in aws-local-stepfunctions with the real handlers (issue #22, item 3):
/// Retry on quota errors, Catch to RecordFailure, a failed import, a duplicate S3 event, and permanent errors that
/// are not retried. Faults are injected into the HealthImaging emulator; attempts are counted in the request log.
/// </summary>
[Collection(AwsLocalCollection.Name)]
public sealed class ImportStateMachineTests(AwsLocalRun run) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public Task InitializeAsync() => run.PostAsync("/medical-imaging/reset", []);

    public Task DisposeAsync() => run.PostAsync("/medical-imaging/reset", []);

    [Fact]
    public async Task GivenNoFaults_WhenABatchIsImported_ThenTheExecutionSucceedsAndTheJobIsCompleted()
    {
        var (execution, batchId) = await ImportOneAsync();

        Assert.True((string)execution["status"]! == "SUCCEEDED", execution.ToJsonString());
        Assert.Equal("COMPLETED", Assert.Single(await run.JobItemsAsync(batchId))["jobStatus"].S);
    }

    [Theory]
    [InlineData("ThrottlingException", 429)]
    [InlineData("ServiceQuotaExceededException", 402)]
    public async Task GivenStartDicomImportJobRefusedTwiceForAQuota_WhenABatchIsImported_ThenItIsRetriedAndCompleted(string code, int status)
    {
        await run.PostAsync("/medical-imaging/errors", new JsonObject { ["operation"] = "StartDICOMImportJob", ["status"] = status, ["code"] = code, ["count"] = 2 });
        var before = run.CountRequests("medical-imaging:StartDICOMImportJob");

        var (execution, batchId) = await ImportOneAsync();

        Assert.True((string)execution["status"]! == "SUCCEEDED", execution.ToJsonString());
        Assert.Equal("COMPLETED", Assert.Single(await run.JobItemsAsync(batchId))["jobStatus"].S);
        Assert.Equal(3, run.CountRequests("medical-imaging:StartDICOMImportJob") - before);
        Assert.Single(await run.ImagingJobsAsync(batchId));
    }

    [Fact]
    public async Task GivenTheDatastoreAtItsConcurrentJobQuota_WhenABatchIsImported_ThenStartImportJobWaitsAndCompletesOnceAJobSlotFrees()
    {
        await run.PostAsync("/medical-imaging/quotas", new JsonObject { ["maxConcurrentJobs"] = 0 });
        var before = run.CountRequests("medical-imaging:StartDICOMImportJob");
        var known = await run.ExecutionNamesAsync();
        await run.StoreAsync(TestStudy.Create(run.RunDirectory, 1));
        await AwsLocalRun.EventuallyAsync(
            () => Task.FromResult(run.CountRequests("medical-imaging:StartDICOMImportJob") - before >= 3 ? "refused" : null), Timeout, "three refused starts");

        await run.PostAsync("/medical-imaging/quotas", []);
        var execution = await run.WaitForNewExecutionAsync(known, Timeout);

        Assert.True((string)execution["status"]! == "SUCCEEDED", execution.ToJsonString());
        Assert.True(execution.CountEvents("StateRetried", "StartImportJob") >= 3, execution.ToJsonString());
        Assert.Equal("COMPLETED", Assert.Single(await run.JobItemsAsync((string)execution["name"]!))["jobStatus"].S);
    }

    [Fact]
    public async Task GivenAHealthImagingJobThatEndsFailed_WhenABatchIsImported_ThenTheJobIsRecordedFailedWithItsMessage()
    {
        const string message = "1 of 1 files could not be imported: injected by the test";
        await run.PostAsync("/medical-imaging/job-failures", new JsonObject { ["message"] = message });

        var (execution, batchId) = await ImportOneAsync();

        var item = Assert.Single(await run.JobItemsAsync(batchId));
        Assert.True(item["jobStatus"].S == "FAILED", execution.ToJsonString());
        Assert.Contains(message, item["message"].S, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(item["endedAt"].S));
    }

    [Fact]
    public async Task GivenCheckStatusThrows_WhenABatchIsImported_ThenCatchRunsRecordFailureAndTheJobIsFailed()
    {
        await run.PostAsync("/medical-imaging/errors", new JsonObject { ["operation"] = "GetDICOMImportJob", ["status"] = 403, ["code"] = "AccessDeniedException", ["count"] = 10 });

        var (execution, batchId) = await ImportOneAsync();

        Assert.Equal("FAILED", (string)execution["status"]!);
        Assert.Equal(1, execution.CountEvents("StateCaught", "CheckStatus"));
        Assert.Equal(1, execution.CountEvents("StateExited", "RecordFailure"));
        var item = Assert.Single(await run.JobItemsAsync(batchId));
        Assert.Equal("FAILED", item["jobStatus"].S);
        Assert.Contains("AccessDenied", item["message"].S, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenTheSameS3EventDeliveredTwice_WhenTheSecondArrives_ThenThereIsOneExecutionAndOneJob()
    {
        var (execution, batchId) = await ImportOneAsync();
        Assert.True((string)execution["status"]! == "SUCCEEDED", execution.ToJsonString());
        var delivered = run.S3EventOf(batchId);

        var (error, payload) = await run.InvokeAsync((string)delivered["functionArn"]!, delivered["event"]!.ToJsonString(), "s3.amazonaws.com");

        Assert.True(error is null, payload?.ToJsonString());
        var started = Assert.Single(payload!["executions"]!.AsArray())!;
        Assert.Equal(batchId, (string)started["batchId"]!);
        Assert.True((bool)started["alreadyStarted"]!);
        Assert.Single(await run.ExecutionsAsync(), e => (string)e["name"]! == batchId);
        Assert.Single(await run.ImagingJobsAsync(batchId));
        Assert.Single(await run.JobItemsAsync(batchId));
    }

    [Theory]
    [InlineData("ValidationException", 400)]
    [InlineData("AccessDeniedException", 403)]
    public async Task GivenStartDicomImportJobFailsPermanently_WhenABatchIsImported_ThenItIsTriedOnceAndTheExecutionFails(string code, int status)
    {
        await run.PostAsync("/medical-imaging/errors", new JsonObject { ["operation"] = "StartDICOMImportJob", ["status"] = status, ["code"] = code, ["count"] = 25 });
        var before = run.CountRequests("medical-imaging:StartDICOMImportJob");

        var (execution, _) = await ImportOneAsync();

        Assert.Equal("FAILED", (string)execution["status"]!);
        Assert.Equal(1, run.CountRequests("medical-imaging:StartDICOMImportJob") - before);
    }

    private async Task<(JsonObject Execution, string BatchId)> ImportOneAsync()
    {
        var known = await run.ExecutionNamesAsync();
        await run.StoreAsync(TestStudy.Create(run.RunDirectory, 1));
        var execution = await run.WaitForNewExecutionAsync(known, Timeout);
        return (execution, (string)execution["name"]!);
    }
}
