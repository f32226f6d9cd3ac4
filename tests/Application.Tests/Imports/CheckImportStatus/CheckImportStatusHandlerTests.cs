using ImagingGateway.Application.Commitments.DecideCommitment;
using ImagingGateway.Application.Commitments.RecordCommitmentReport;
using ImagingGateway.Application.Commitments.RequestCommitment;
using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Application.Imports.CheckImportStatus;
using ImagingGateway.Application.Imports.StartImportJob;
using ImagingGateway.Application.Tests.Imports.StartImportJob;
using ImagingGateway.Application.Tests.InMemory;
using ImagingGateway.Dicom.Network.Dimse.Commitment;
using ImagingGateway.Domain.Imports;

namespace ImagingGateway.Application.Tests.Imports.CheckImportStatus;

/// <summary>Polling a job to its end, recording its instances' outcomes and the storage commitments they carry (issue #26).</summary>
public sealed class CheckImportStatusHandlerTests
{
    [Fact]
    public async Task GivenAStartedJob_WhenPolledUntilDone_ThenItGoesInProgressThenCompletedWithCounts()
    {
        await using var host = new TestHost();
        var state = await StartedAsync(host, 3);

        host.Time.Advance(TimeSpan.FromSeconds(30));
        var first = await host.Mediator.Send(new CheckImportStatusCommand(state));
        host.Time.Advance(TimeSpan.FromSeconds(30));
        var second = await host.Mediator.Send(new CheckImportStatusCommand(first));

        Assert.Equal(("IN_PROGRESS", false), (first.JobStatus, first.IsComplete));
        Assert.Equal(("COMPLETED", true), (second.JobStatus, second.IsComplete));
        Assert.Equal("imported 3 of 3 files", second.Message);
        var job = (await host.Jobs.GetAsync(state.JobId!, CancellationToken.None))!;
        Assert.Equal(ImportJobStatus.Completed, job.Status);
        Assert.Equal(TestHost.Start.AddSeconds(60), job.EndedAt);
        Assert.Equal("imported 3 of 3 files", job.Message);
    }

    [Fact]
    public async Task GivenSomeFilesFail_WhenTheJobCompletes_ThenTheMessageNamesThem()
    {
        await using var host = new TestHost();
        var state = await StartedAsync(host, 3);
        var bad = host.Store.Keys.First(k => k.EndsWith(Seed.SopUid(2) + ".dcm", StringComparison.Ordinal));
        host.Imaging.FailingFiles[bad] = "missing pixel data";

        var done = await PollUntilCompleteAsync(host, state);

        Assert.Equal("COMPLETED", done.JobStatus);
        Assert.Equal($"imported 2 of 3 files; 1 failed: {bad}: missing pixel data", done.Message);
    }

    [Fact]
    public async Task GivenTheServiceFailsTheJob_WhenPolled_ThenTheJobIsRecordedFailedWithTheMessage()
    {
        await using var host = new TestHost();
        host.Imaging.FailNextJobWith = "access denied to input";
        var state = await StartedAsync(host, 1);

        var done = await PollUntilCompleteAsync(host, state);

        Assert.Equal(("FAILED", true), (done.JobStatus, done.IsComplete));
        Assert.StartsWith("access denied to input; imported 0 of 1 files; 1 failed", done.Message, StringComparison.Ordinal);
        var job = (await host.Jobs.GetAsync(state.JobId!, CancellationToken.None))!;
        Assert.Equal(ImportJobStatus.Failed, job.Status);
        Assert.NotNull(job.EndedAt);
        Assert.Equal(done.Message, job.Message);
    }

    [Fact]
    public async Task GivenAFailedJobThatWroteNoOutput_WhenPolled_ThenItIsRecordedFailedWithTheServiceReason()
    {
        await using var host = new TestHost();
        host.Imaging.FailNextJobWith = "AccessDeniedException: cannot read the input";
        host.Imaging.NoOutput = true;
        var state = await StartedAsync(host, 1);

        var done = await PollUntilCompleteAsync(host, state);

        Assert.Equal("FAILED", done.JobStatus);
        Assert.StartsWith("AccessDeniedException: cannot read the input; no results: ", done.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenACompletedJobWhoseOutputIsMissing_WhenPolled_ThenTheErrorPropagatesAndTheJobIsNotMarkedDone()
    {
        await using var host = new TestHost();
        var state = await StartedAsync(host, 1);
        var inProgress = await host.Mediator.Send(new CheckImportStatusCommand(state));
        host.Imaging.NoOutput = true;

        await Assert.ThrowsAsync<InvalidDataException>(async () => await host.Mediator.Send(new CheckImportStatusCommand(inProgress)));

        Assert.Equal(ImportJobStatus.InProgress, (await host.Jobs.GetAsync(state.JobId!, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task GivenAWorkflowErrorWithAJob_WhenChecked_ThenTheJobIsRecordedFailedWithErrorAndCause()
    {
        await using var host = new TestHost();
        var state = await StartedAsync(host, 1);

        var output = await host.Mediator.Send(new CheckImportStatusCommand(state with { Error = new WorkflowError("States.Timeout", "task timed out") }));

        Assert.Equal(("FAILED", true), (output.JobStatus, output.IsComplete));
        Assert.Equal("States.Timeout: task timed out", output.Message);
        var job = (await host.Jobs.GetAsync(state.JobId!, CancellationToken.None))!;
        Assert.Equal(ImportJobStatus.Failed, job.Status);
        Assert.Equal("States.Timeout: task timed out", job.Message);
        Assert.Equal(TestHost.Start, job.EndedAt);
    }

    [Fact]
    public async Task GivenAWorkflowErrorBeforeAnyJob_WhenChecked_ThenTheBatchIsRecordedFailedUnderItsId()
    {
        // Issue #22: a batch whose import never started must not end without a record.
        await using var host = new TestHost();
        var input = await StartImportJobHandlerTests.TriggeredAsync(host, 1);

        var output = await host.Mediator.Send(new CheckImportStatusCommand(input with { Error = new WorkflowError("ValidationException", "bad input") }));

        Assert.Equal(("FAILED", true, input.BatchId), (output.JobStatus, output.IsComplete, output.JobId));
        Assert.Equal("ValidationException: bad input (no import job was started)", output.Message);
        var record = await host.Jobs.GetAsync(input.BatchId, CancellationToken.None);
        Assert.Equal(ImportJobStatus.Failed, record!.Status);
        Assert.Equal(input.BatchId, record.Snapshot.BatchId);
        Assert.NotNull(record.Snapshot.EndedAt);
    }

    [Fact]
    public async Task GivenAStartedJobAndAnErrorWithoutItsJobId_WhenChecked_ThenTheBatchsJobIsFoundAndFailed()
    {
        await using var host = new TestHost();
        var started = await StartedAsync(host, 1);

        var output = await host.Mediator.Send(new CheckImportStatusCommand(started with { JobId = null, Error = new WorkflowError("States.Timeout", "execution timed out") }));

        Assert.Equal(started.JobId, output.JobId);
        Assert.Equal(ImportJobStatus.Failed, (await host.Jobs.GetAsync(started.JobId!, CancellationToken.None))!.Status);
        Assert.Null(await host.Jobs.GetAsync(started.BatchId, CancellationToken.None));
    }

    [Fact]
    public async Task GivenACompletedJob_WhenAWorkflowErrorArrives_ThenTheTerminalStatusIsKept()
    {
        await using var host = new TestHost();
        var done = await PollUntilCompleteAsync(host, await StartedAsync(host, 1));

        var output = await host.Mediator.Send(new CheckImportStatusCommand(done with { Error = new WorkflowError("Lambda.ServiceException", "boom") }));

        Assert.Equal(("COMPLETED", true), (output.JobStatus, output.IsComplete));
        Assert.Equal(ImportJobStatus.Completed, (await host.Jobs.GetAsync(done.JobId!, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task GivenAStoredJobAheadOfTheService_WhenPolled_ThenItNeverMovesBackwards()
    {
        await using var host = new TestHost();
        var state = await StartedAsync(host, 1);
        var stored = (await host.Jobs.GetAsync(state.JobId!, CancellationToken.None))!.Snapshot;
        host.Jobs.Overwrite(stored with { Status = ImportJobStatus.Completed, EndedAt = TestHost.Start, Message = "done elsewhere" });

        var output = await host.Mediator.Send(new CheckImportStatusCommand(state));

        Assert.Equal(("COMPLETED", true, "done elsewhere"), (output.JobStatus, output.IsComplete, output.Message));
    }

    [Fact]
    public async Task GivenAConcurrentWriterMovesTheJobFirst_WhenPolled_ThenTheConditionalUpdateRetriesFromTheNewStatus()
    {
        await using var host = new TestHost();
        var state = await StartedAsync(host, 1);
        host.Jobs.BeforeNextUpdate = jobs =>
        {
            var s = jobs.GetAsync(state.JobId!, CancellationToken.None).Result!.Snapshot;
            jobs.Overwrite(s with { Status = ImportJobStatus.Failed, EndedAt = TestHost.Start, Message = "failed elsewhere" });
        };

        var output = await host.Mediator.Send(new CheckImportStatusCommand(state));

        Assert.Equal(("FAILED", true, "failed elsewhere"), (output.JobStatus, output.IsComplete, output.Message));
    }

    [Fact]
    public async Task GivenNoJobRecord_WhenPolled_ThenTheRecordIsCreatedAndMovedOn()
    {
        await using var host = new TestHost();
        var input = await StartImportJobHandlerTests.TriggeredAsync(host, 1);
        var started = await host.Imaging.StartImportJobAsync(
            new ImagingGateway.Application.Common.Ports.StartImportRequest("datastore1", "role", input.InputS3Uri, input.OutputS3Uri, input.BatchId, null), CancellationToken.None);

        var output = await host.Mediator.Send(new CheckImportStatusCommand(input with { JobId = started.JobId }));

        Assert.Equal("IN_PROGRESS", output.JobStatus);
        Assert.Equal(ImportJobStatus.InProgress, (await host.Jobs.GetAsync(started.JobId, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task GivenNoJobIdAndNoError_WhenChecked_ThenValidationNamesJobId()
    {
        await using var host = new TestHost();
        var input = await StartImportJobHandlerTests.TriggeredAsync(host, 1);

        var ex = await Assert.ThrowsAsync<RequestValidationException>(async () => await host.Mediator.Send(new CheckImportStatusCommand(input)));

        Assert.Equal("State.JobId", Assert.Single(ex.Failures).Field);
    }

    [Fact]
    public async Task GivenAJobThatRejectsOneFile_WhenItCompletes_ThenEachInstanceRecordsItsImageSetOrTheReason()
    {
        await using var host = new TestHost();
        var state = await StartedAsync(host, 3);
        var bad = host.Store.Keys.First(k => k.EndsWith(Seed.SopUid(2) + ".dcm", StringComparison.Ordinal));
        host.Imaging.FailingFiles[bad] = "ValidationException: missing pixel data";

        var done = await PollUntilCompleteAsync(host, state);

        var recordedAt = host.Time.GetUtcNow();
        foreach (var n in new[] { 1, 3 })
        {
            var record = (await host.Index.FindAsync(Seed.SopUid(n), CancellationToken.None))!;
            Assert.Equal(
                new InstanceImportOutcome(Seed.SopUid(n), state.BatchId, done.JobId!, InstanceImportStatus.Imported, FakeImagingService.ImageSetId, "1", null, recordedAt),
                record.ImportOutcome);
        }

        var failed = (await host.Index.FindAsync(Seed.SopUid(2), CancellationToken.None))!.ImportOutcome;
        Assert.Equal(
            new InstanceImportOutcome(Seed.SopUid(2), state.BatchId, done.JobId!, InstanceImportStatus.Failed, null, null, "ValidationException: missing pixel data", recordedAt),
            failed);
    }

    [Fact]
    public async Task GivenRecordingOutcomesFails_WhenTheJobCompletes_ThenTheJobStaysCompletedAndTheRetriedPollRecordsThem()
    {
        await using var host = new TestHost();
        var state = await StartedAsync(host, 2);
        var inProgress = await host.Mediator.Send(new CheckImportStatusCommand(state));
        host.Index.FailNextRecordOutcomes = new IOException("index unavailable");

        await Assert.ThrowsAsync<IOException>(async () => await host.Mediator.Send(new CheckImportStatusCommand(inProgress)));
        var afterFailure = (await host.Jobs.GetAsync(state.JobId!, CancellationToken.None))!;
        Assert.Null((await host.Index.FindAsync(Seed.SopUid(1), CancellationToken.None))!.ImportOutcome);

        var retried = await host.Mediator.Send(new CheckImportStatusCommand(inProgress));

        Assert.Equal(ImportJobStatus.Completed, afterFailure.Status);
        Assert.Equal(("COMPLETED", true), (retried.JobStatus, retried.IsComplete));
        Assert.Equal(afterFailure.EndedAt, (await host.Jobs.GetAsync(state.JobId!, CancellationToken.None))!.EndedAt);
        Assert.All(
            [Seed.SopUid(1), Seed.SopUid(2)],
            sop => Assert.Equal(FakeImagingService.ImageSetId, host.Index.FindAsync(sop, CancellationToken.None).Result!.ImportOutcome?.ImageSetId));
        Assert.Equal(2, host.Index.RecordOutcomesCalls);
    }

    [Fact]
    public async Task GivenAHostWithoutAnIndex_WhenTheJobCompletes_ThenItIsRecordedCompletedAndTheLogSaysWhyNoOutcomeIs()
    {
        await using var host = new TestHost(withIndex: false);
        var state = await StartedAsync(host, 1);

        var done = await PollUntilCompleteAsync(host, state);

        Assert.Equal(("COMPLETED", true), (done.JobStatus, done.IsComplete));
        Assert.Equal(0, host.Index.RecordOutcomesCalls);
        Assert.Contains(host.Logs.Lines, l => l.Message.Contains($"Import job {done.JobId} of batch {state.BatchId} ended, but this host has no received-instance index", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenAReportDeliveredWhileTheImportRuns_WhenTheJobEnds_ThenTheJobRecordsTheTransactionWithItsCounts()
    {
        await using var host = new TestHost();
        var state = await StartedAsync(host, 3);
        await host.Mediator.Send(new RequestCommitmentCommand("2.25.220", "MODALITY1", "IMAGINGGW", "assoc-c",
        [
            new ReferencedSop(Seed.CtImageStorage, Seed.SopUid(1)),
            new ReferencedSop(Seed.CtImageStorage, Seed.SopUid(2)),
            new ReferencedSop("1.2.840.10008.5.1.4.1.1.4", Seed.SopUid(3)),
        ]));
        await host.Mediator.Send(new DecideCommitmentCommand("2.25.220"));
        await host.Mediator.Send(new RecordCommitmentReportCommand("2.25.220", true, "same association", null));
        Assert.Empty((await host.Jobs.GetAsync(state.JobId!, CancellationToken.None))!.Commitments);

        await PollUntilCompleteAsync(host, state);

        var job = (await host.Jobs.GetAsync(state.JobId!, CancellationToken.None))!;
        Assert.Equal([new ImportJobCommitment("2.25.220", 2, 1, TestHost.Start)], job.Commitments);
        var again = await host.Mediator.Send(new CheckImportStatusCommand(state with { JobStatus = "IN_PROGRESS", IsComplete = false }));
        Assert.True(again.IsComplete);
        Assert.Equal(job.Commitments, (await host.Jobs.GetAsync(state.JobId!, CancellationToken.None))!.Commitments);
    }

    internal static async Task<ImportState> StartedAsync(TestHost host, int instances) =>
        await host.Mediator.Send(new StartImportJobCommand(await StartImportJobHandlerTests.TriggeredAsync(host, instances)));

    internal static async Task<ImportState> PollUntilCompleteAsync(TestHost host, ImportState state)
    {
        for (var i = 0; i < 10 && !state.IsComplete; i++)
        {
            host.Time.Advance(TimeSpan.FromSeconds(30));
            state = await host.Mediator.Send(new CheckImportStatusCommand(state));
        }

        Assert.True(state.IsComplete, "the job did not complete within 10 polls");
        return state;
    }
}
