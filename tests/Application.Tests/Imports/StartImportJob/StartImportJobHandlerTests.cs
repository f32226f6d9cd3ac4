using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Application.Imports.StartImportJob;
using ImagingGateway.Application.Imports.TriggerImport;
using ImagingGateway.Application.Tests.Imports.TriggerImport;
using ImagingGateway.Domain.Imports;

namespace ImagingGateway.Application.Tests.Imports.StartImportJob;

public sealed class StartImportJobHandlerTests
{
    [Fact]
    public async Task GivenATriggeredBatch_WhenStarted_ThenTheJobIsSubmittedAndRecordedWithTheBatchMetadata()
    {
        await using var host = new TestHost();
        var input = await TriggeredAsync(host, 2);

        var output = await host.Mediator.Send(new StartImportJobCommand(input));

        Assert.Equal("job0001", output.JobId);
        Assert.Equal("SUBMITTED", output.JobStatus);
        Assert.False(output.IsComplete);
        var request = Assert.Single(host.Imaging.Requests);
        Assert.Equal(input.BatchId, request.ClientToken);
        Assert.Equal(input.InputS3Uri, request.InputS3Uri);
        Assert.Equal(input.OutputS3Uri, request.OutputS3Uri);
        Assert.Equal("datastore1", request.DatastoreId);
        Assert.Equal("arn:aws:iam::123456789012:role/import", request.DataAccessRoleArn);
        var job = (await host.Jobs.GetAsync("job0001", CancellationToken.None))!.Snapshot;
        Assert.Equal(ImportJobStatus.Submitted, job.Status);
        Assert.Equal(TestHost.Start, job.SubmittedAt);
        Assert.Equal(input.InputS3Uri, job.InputS3Uri);
        Assert.Equal(input.OutputS3Uri, job.OutputS3Uri);
        Assert.Equal("datastore1", job.DatastoreId);
        Assert.Equal(Seed.StudyUid, job.StudyInstanceUid);
        Assert.Equal(Seed.SeriesUid, job.SeriesInstanceUid);
        Assert.Equal(Seed.SopUid(1), job.SopInstanceUid);
        Assert.Equal("20261128", job.StudyDate);
        Assert.Equal(input.BatchId, job.BatchId);
        Assert.Equal(2, job.InstanceCount);
        Assert.Equal(input.TotalBytes, job.TotalBytes);
        Assert.True(job.TotalBytes > 0);
        Assert.Null(job.EndedAt);
    }

    [Fact]
    public async Task GivenAReplayedStart_WhenStartedAgain_ThenOneJobAndOneRecordExist()
    {
        await using var host = new TestHost();
        var input = await TriggeredAsync(host, 1);

        var first = await host.Mediator.Send(new StartImportJobCommand(input));
        var second = await host.Mediator.Send(new StartImportJobCommand(input));

        Assert.Equal(first.JobId, second.JobId);
        Assert.Equal(1, host.Imaging.JobCount);
        Assert.Equal(1, host.Jobs.Count);
    }

    [Fact]
    public async Task GivenTheQuotaIsReached_WhenStarted_ThenTheQuotaErrorPropagatesForARetryAndNothingIsRecorded()
    {
        await using var host = new TestHost();
        var input = await TriggeredAsync(host, 1);
        host.Imaging.QuotaExceeded = true;

        await Assert.ThrowsAsync<ImagingQuotaExceededException>(async () => await host.Mediator.Send(new StartImportJobCommand(input)));

        Assert.Equal(0, host.Jobs.Count);
    }

    [Fact]
    public async Task GivenAnInputPrefixWithoutTrailingSlash_WhenStarted_ThenValidationNamesTheField()
    {
        await using var host = new TestHost();
        var input = await TriggeredAsync(host, 1);

        var ex = await Assert.ThrowsAsync<RequestValidationException>(async () =>
            await host.Mediator.Send(new StartImportJobCommand(input with { InputS3Uri = input.InputS3Uri.TrimEnd('/') })));

        Assert.Equal("State.InputS3Uri", Assert.Single(ex.Failures).Field);
        Assert.Equal(0, host.Imaging.StartCalls);
    }

    internal static async Task<ImportState> TriggeredAsync(TestHost host, int instances)
    {
        var (_, key) = await TriggerImportHandlerTests.ClosedBatchAsync(host, instances);
        return (await host.Mediator.Send(new TriggerImportCommand(key))).Input;
    }
}
