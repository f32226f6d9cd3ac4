using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Imports.RetryImportJob;
using ImagingGateway.Application.Imports.StartImportJob;
using ImagingGateway.Application.Imports.TriggerImport;
using ImagingGateway.Application.Tests.Imports.CheckImportStatus;
using ImagingGateway.Application.Tests.Imports.StartImportJob;
using ImagingGateway.Domain.Batches;
using ImagingGateway.Domain.Imports;

namespace ImagingGateway.Application.Tests.Imports.RetryImportJob;

/// <summary>
/// Re-drive (issue #26): a FAILED job's batch is imported again under a new client token, a COMPLETED job's retryable
/// failed files are copied under a new batch prefix, and a file whose failure is in the file itself is not retried.
/// Each retry batch goes through the normal pipeline (TriggerImport, StartImportJob, CheckStatus).
/// </summary>
public sealed class RetryImportJobHandlerTests
{
    private const string Invalid = "ValidationException: not a valid DICOM P10 file: no 'DICM' prefix";
    private const string Transient = "InternalServerException: the service could not read the object";

    [Fact]
    public async Task GivenAJobThatFailedTransiently_WhenRetried_ThenANewJobImportsTheSameBatchAndEndsCompletedLinkedToTheOriginal()
    {
        await using var host = new TestHost();
        host.Imaging.FailNextJobWith = "InternalServerException: transient fault";
        var failed = await RunAsync(host, await StartImportJobHandlerTests.TriggeredAsync(host, 3));
        Assert.Equal("FAILED", failed.JobStatus);

        var result = await host.Mediator.Send(new RetryImportJobCommand(failed.JobId!));

        Assert.True(result.Retried, result.Message);
        Assert.Equal(RetryImportJobResult.WholeBatch, result.Kind);
        Assert.Equal(ObjectKeys.BatchPrefix(BatchId.Parse(failed.BatchId)), result.InputPrefix);
        Assert.Equal(3, result.RetriedFiles.Count);
        Assert.Empty(result.NotRetryable);
        var retried = await RunAsync(host, (await host.Mediator.Send(new TriggerImportCommand(result.ManifestKey!))).Input);
        Assert.Equal("COMPLETED", retried.JobStatus);
        Assert.Equal("imported 3 of 3 files", retried.Message);
        Assert.Equal([failed.BatchId, result.BatchId], host.Imaging.Requests.Select(r => r.ClientToken));
        Assert.Equal(failed.InputS3Uri, retried.InputS3Uri);
        Assert.NotEqual(failed.OutputS3Uri, retried.OutputS3Uri);
        var original = (await host.Jobs.GetAsync(failed.JobId!, CancellationToken.None))!;
        var retry = (await host.Jobs.GetAsync(retried.JobId!, CancellationToken.None))!;
        Assert.Equal((ImportJobStatus.Failed, retried.JobId), (original.Status, original.RetriedBy));
        Assert.Equal((ImportJobStatus.Completed, failed.JobId, result.BatchId), (retry.Status, retry.RetryOf, retry.Snapshot.BatchId));
    }

    [Fact]
    public async Task GivenACompletedJobWithAnInvalidAndATransientlyFailedFile_WhenRetried_ThenOnlyTheTransientOneIsCopiedAndImported()
    {
        await using var host = new TestHost();
        var triggered = await StartImportJobHandlerTests.TriggeredAsync(host, 3);
        var (invalid, transient, good) = (Key(host, 1), Key(host, 2), Key(host, 3));
        host.Imaging.FailingFiles[invalid] = Invalid;
        host.Imaging.FailingFiles[transient] = Transient;
        var completed = await RunAsync(host, triggered);
        Assert.Equal("COMPLETED", completed.JobStatus);

        var result = await host.Mediator.Send(new RetryImportJobCommand(completed.JobId!));

        Assert.True(result.Retried, result.Message);
        Assert.Equal(RetryImportJobResult.FailedFiles, result.Kind);
        Assert.Equal([transient], result.RetriedFiles);
        var notRetryable = Assert.Single(result.NotRetryable);
        Assert.Equal(invalid, notRetryable.InputFile);
        Assert.StartsWith(Invalid, notRetryable.Reason, StringComparison.Ordinal);
        var prefix = ObjectKeys.BatchPrefix(BatchId.Parse(result.BatchId!));
        Assert.Equal(prefix, result.InputPrefix);
        var copied = Assert.Single(host.Store.Keys, k => k.StartsWith(prefix, StringComparison.Ordinal));
        Assert.Equal(prefix + transient[(transient.LastIndexOf('/') + 1)..], copied);
        Assert.Equal(host.Store.Read(transient), host.Store.Read(copied));
        Assert.DoesNotContain(host.Store.Keys, k => k.StartsWith(prefix, StringComparison.Ordinal) && (k.EndsWith(Name(invalid), StringComparison.Ordinal) || k.EndsWith(Name(good), StringComparison.Ordinal)));

        host.Imaging.FailingFiles.Clear();
        var retried = await RunAsync(host, (await host.Mediator.Send(new TriggerImportCommand(result.ManifestKey!))).Input);
        Assert.Equal(("COMPLETED", "imported 1 of 1 files"), (retried.JobStatus, retried.Message));
        Assert.Equal(completed.JobId, (await host.Jobs.GetAsync(retried.JobId!, CancellationToken.None))!.RetryOf);
        Assert.Equal(retried.JobId, (await host.Jobs.GetAsync(completed.JobId!, CancellationToken.None))!.RetriedBy);
    }

    [Fact]
    public async Task GivenACompletedJobWhoseOnlyFailureIsAnInvalidFile_WhenRetried_ThenItIsListedNotRetryableAndNothingIsWritten()
    {
        await using var host = new TestHost();
        var triggered = await StartImportJobHandlerTests.TriggeredAsync(host, 3);
        var invalid = Key(host, 2);
        host.Imaging.FailingFiles[invalid] = Invalid;
        var completed = await RunAsync(host, triggered);
        var keysBefore = host.Store.Keys;

        var result = await host.Mediator.Send(new RetryImportJobCommand(completed.JobId!));

        Assert.False(result.Retried);
        Assert.Null(result.BatchId);
        Assert.Contains("none of the 1 failed files", result.Message, StringComparison.Ordinal);
        var listed = Assert.Single(result.NotRetryable);
        Assert.Equal(invalid, listed.InputFile);
        Assert.Contains("ValidationException", listed.Reason, StringComparison.Ordinal);
        Assert.Equal(keysBefore, host.Store.Keys);
        Assert.Single(host.Workflow.Inputs);
        Assert.Null((await host.Jobs.GetAsync(completed.JobId!, CancellationToken.None))!.RetriedBy);
    }

    [Fact]
    public async Task GivenACompletedJobWithNoFailedFile_WhenRetried_ThenNothingIsRetried()
    {
        await using var host = new TestHost();
        var completed = await RunAsync(host, await StartImportJobHandlerTests.TriggeredAsync(host, 2));
        var keysBefore = host.Store.Keys;

        var result = await host.Mediator.Send(new RetryImportJobCommand(completed.JobId!));

        Assert.False(result.Retried);
        Assert.Contains("no failed file", result.Message, StringComparison.Ordinal);
        Assert.Equal(keysBefore, host.Store.Keys);
    }

    [Fact]
    public async Task GivenARunningJob_WhenRetried_ThenNothingIsRetried()
    {
        await using var host = new TestHost();
        var started = await host.Mediator.Send(new StartImportJobCommand(await StartImportJobHandlerTests.TriggeredAsync(host, 1)));

        var result = await host.Mediator.Send(new RetryImportJobCommand(started.JobId!));

        Assert.False(result.Retried);
        Assert.Contains("is SUBMITTED: only a COMPLETED or FAILED job can be retried", result.Message, StringComparison.Ordinal);
        Assert.Single(host.Workflow.Inputs);
    }

    [Fact]
    public async Task GivenAJobAlreadyRetried_WhenRetriedAgain_ThenItPointsAtTheRetryAndWritesNothing()
    {
        await using var host = new TestHost();
        host.Imaging.FailNextJobWith = "InternalServerException: transient fault";
        var failed = await RunAsync(host, await StartImportJobHandlerTests.TriggeredAsync(host, 1));
        var first = await host.Mediator.Send(new RetryImportJobCommand(failed.JobId!));
        var retried = await RunAsync(host, (await host.Mediator.Send(new TriggerImportCommand(first.ManifestKey!))).Input);

        var again = await host.Mediator.Send(new RetryImportJobCommand(failed.JobId!));

        Assert.False(again.Retried);
        Assert.Contains($"already retried by job {retried.JobId}", again.Message, StringComparison.Ordinal);
        Assert.Equal(2, host.Workflow.Inputs.Count);
    }

    [Fact]
    public async Task GivenAnUnknownJob_WhenRetried_ThenNotFound()
    {
        await using var host = new TestHost();

        var ex = await Assert.ThrowsAsync<NotFoundException>(async () => await host.Mediator.Send(new RetryImportJobCommand("nosuchjob")));

        Assert.Equal("nosuchjob", ex.Id);
    }

    [Fact]
    public async Task GivenAnEmptyJobId_WhenRetried_ThenAValidationErrorNamesTheField()
    {
        await using var host = new TestHost();

        var ex = await Assert.ThrowsAsync<RequestValidationException>(async () => await host.Mediator.Send(new RetryImportJobCommand("")));

        Assert.Equal(nameof(RetryImportJobCommand.JobId), Assert.Single(ex.Failures).Field);
    }

    private static string Key(TestHost host, int n) =>
        host.Store.Keys.Single(k => k.EndsWith(Seed.SopUid(n) + ".dcm", StringComparison.Ordinal));

    private static string Name(string key) => key[(key.LastIndexOf('/') + 1)..];

    private static async Task<ImportState> RunAsync(TestHost host, ImportState triggered) =>
        await CheckImportStatusHandlerTests.PollUntilCompleteAsync(host, await host.Mediator.Send(new StartImportJobCommand(triggered)));
}
