using ImagingGateway.Application.Batches.CloseAssociationBatches;
using ImagingGateway.Application.Imports.CheckImportStatus;
using ImagingGateway.Application.Imports.GetImportJob;
using ImagingGateway.Application.Imports.ListImportJobs;
using ImagingGateway.Application.Imports.StartImportJob;
using ImagingGateway.Application.Imports.TriggerImport;
using ImagingGateway.Application.Tests.Imports.CheckImportStatus;
using ImagingGateway.Application.Tests.Instances.StoreInstance;
using ImagingGateway.Domain.Batches;

namespace ImagingGateway.Application.Tests.Flow;

/// <summary>One association's instances from C-STORE to a finished import, every step through the mediator.</summary>
public sealed class ImportFlowTests
{
    [Fact]
    public async Task GivenAnAssociationOfThreeInstances_WhenTheWholePipelineRuns_ThenOneJobEndsCompletedWithEveryFileImported()
    {
        await using var host = new TestHost();
        for (var n = 1; n <= 3; n++)
        {
            await StoreInstanceHandlerTests.StoreAsync(host, "assoc-1", n);
        }

        var closed = await host.Mediator.Send(new CloseAssociationBatchesCommand("assoc-1", "A-RELEASE"));
        var manifestKey = Assert.Single(closed.Batches).ManifestKey!;
        var triggered = await host.Mediator.Send(new TriggerImportCommand(manifestKey));
        var state = await host.Mediator.Send(new StartImportJobCommand(triggered.Input));
        var polls = 0;
        while (!state.IsComplete && polls < 10)
        {
            host.Time.Advance(TimeSpan.FromSeconds(30));
            state = await host.Mediator.Send(new CheckImportStatusCommand(state));
            polls++;
        }

        Assert.Equal(("COMPLETED", true), (state.JobStatus, state.IsComplete));
        Assert.Equal(2, polls);
        Assert.Equal("imported 3 of 3 files", state.Message);
        var job = await host.Mediator.Send(new GetImportJobQuery(state.JobId!));
        Assert.NotNull(job);
        Assert.Equal("COMPLETED", job.JobStatus);
        Assert.Equal(triggered.BatchId, job.BatchId);
        Assert.Equal(3, job.InstanceCount);
        Assert.Equal(Seed.StudyUid, job.StudyInstanceUid);
        Assert.Equal("20261128", job.StudyDate);
        Assert.Equal(TestHost.Start.AddSeconds(60), job.EndedAt);
        Assert.EndsWith(ObjectKeys.BatchPrefix(BatchId.Parse(triggered.BatchId)), job.InputS3Uri, StringComparison.Ordinal);
        var byStudy = await host.Mediator.Send(new ListImportJobsQuery(StudyInstanceUid: Seed.StudyUid));
        Assert.Equal(state.JobId, Assert.Single(byStudy.Items).JobId);
    }

    [Fact]
    public async Task GivenTheImportFails_WhenThePipelineRuns_ThenTheJobIsRecordedFailedWithTheReason()
    {
        await using var host = new TestHost();
        await StoreInstanceHandlerTests.StoreAsync(host, "assoc-1", 1);
        var closed = await host.Mediator.Send(new CloseAssociationBatchesCommand("assoc-1", "A-RELEASE"));
        host.Imaging.FailNextJobWith = "InvalidInputException: unsupported transfer syntax";

        var triggered = await host.Mediator.Send(new TriggerImportCommand(Assert.Single(closed.Batches).ManifestKey!));
        var state = await CheckImportStatusHandlerTests.PollUntilCompleteAsync(host, await host.Mediator.Send(new StartImportJobCommand(triggered.Input)));

        Assert.Equal("FAILED", state.JobStatus);
        var failed = await host.Mediator.Send(new ListImportJobsQuery(Status: "FAILED"));
        var job = Assert.Single(failed.Items);
        Assert.StartsWith("InvalidInputException: unsupported transfer syntax; imported 0 of 1 files; 1 failed", job.Message, StringComparison.Ordinal);
        Assert.NotNull(job.EndedAt);
    }

    [Fact]
    public async Task GivenTheSameManifestEventDeliveredTwice_WhenBothRunTheWorkflow_ThenOneExecutionAndOneJobExist()
    {
        await using var host = new TestHost();
        await StoreInstanceHandlerTests.StoreAsync(host, "assoc-1", 1);
        var closed = await host.Mediator.Send(new CloseAssociationBatchesCommand("assoc-1", "A-RELEASE"));
        var key = Assert.Single(closed.Batches).ManifestKey!;

        var first = await host.Mediator.Send(new TriggerImportCommand(key));
        var second = await host.Mediator.Send(new TriggerImportCommand(key));
        // Even if the workflow step itself runs twice (a retried Lambda), the client token keeps it to one job.
        await host.Mediator.Send(new StartImportJobCommand(first.Input));
        await host.Mediator.Send(new StartImportJobCommand(second.Input));

        Assert.True(second.AlreadyStarted);
        Assert.Single(host.Workflow.Inputs);
        Assert.Equal(1, host.Imaging.JobCount);
        Assert.Equal(1, host.Jobs.Count);
    }
}
