using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Application.Imports.StartImportJob;
using ImagingGateway.Application.Instances;
using ImagingGateway.Domain.Imports;
using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Application.Imports.CheckImportStatus;

/// <summary>
/// Moves the stored job only forward (conditional on the status read), never out of a terminal state, and writes
/// the import's result counts into the message when the job ends.
/// <para>
/// When the job has ended, it also records where each instance of the batch landed (<see cref="InstanceOutcomes"/>)
/// in the <see cref="IReceivedInstanceIndex"/>, after the job's own transition, so a failure to record never loses
/// that. Such a failure propagates: the workflow retries CheckStatus as for any task error, and the next poll finds
/// the job already terminal and records the same outcomes again (idempotent). A host without an index (a CheckStatus
/// function composed without one) records none and logs why.
/// </para>
/// <para>
/// Instances whose storage commitment report was delivered before the job ended carry it in the index: the job then
/// records each such transaction with its counts (a report delivered later is recorded on the job by
/// RecordCommitmentReport), idempotently, so the retried poll records the same.
/// </para>
/// </summary>
public sealed partial class CheckImportStatusHandler(
    IImagingService imaging,
    IImportJobRepository jobs,
    BatchJobFinder finder,
    TimeProvider time,
    IOptions<ImportOptions> options,
    ILogger<CheckImportStatusHandler> logger,
    IReceivedInstanceIndex? index = null) : ICommandHandler<CheckImportStatusCommand, ImportState>
{
    private const int MaxConflictRetries = 5;

    public async ValueTask<ImportState> Handle(CheckImportStatusCommand command, CancellationToken cancellationToken)
    {
        var state = command.State;
        return state.Error is { } error
            ? await RecordWorkflowFailureAsync(state, error, cancellationToken)
            : await PollAsync(state, state.JobId!, cancellationToken);
    }

    private async Task<ImportState> PollAsync(ImportState state, string jobId, CancellationToken cancellationToken)
    {
        var datastoreId = options.Value.DatastoreId;
        var remote = await imaging.GetImportJobAsync(datastoreId, jobId, cancellationToken);
        string? message = remote.Message;
        ImportJobResults? results = null;
        if (remote.Status.IsTerminal())
        {
            (message, results) = await ReadResultsAsync(datastoreId, jobId, state.OutputS3Uri, remote, cancellationToken);
        }

        var job = await ApplyAsync(state, jobId, remote.Status, remote.EndedAt ?? time.GetUtcNow(), message, cancellationToken);
        if (results is not null && job.IsTerminal)
        {
            await RecordOutcomesAsync(state.BatchId, job.JobId, results, cancellationToken);
        }

        return Output(state, job);
    }

    private async Task<(string Message, ImportJobResults? Results)> ReadResultsAsync(
        string datastoreId, string jobId, string outputS3Uri, ImportJobState remote, CancellationToken cancellationToken)
    {
        try
        {
            var results = await imaging.ReadJobResultsAsync(datastoreId, jobId, outputS3Uri, cancellationToken);
            return (ImportResultsMessage.Format(results, remote.Message), results);
        }
        catch (Exception ex) when (remote.Status == ImportJobStatus.Failed && ex is InvalidDataException or FileNotFoundException or DirectoryNotFoundException)
        {
            // A job that failed early (e.g. no access to its input) writes no output: keep the service's reason.
            // A COMPLETED job's missing output is not excused: the error propagates and the poll is retried.
            LogNoResults(logger, jobId, ex.Message);
            return ($"{remote.Message ?? "import failed"}; no results: {ex.Message}", null);
        }
    }

    private async Task RecordOutcomesAsync(string batchId, string jobId, ImportJobResults results, CancellationToken cancellationToken)
    {
        if (index is null)
        {
            LogNoIndex(logger, jobId, batchId);
            return;
        }

        var unmapped = new List<string>();
        var outcomes = InstanceOutcomes.From(batchId, jobId, results, time.GetUtcNow(), unmapped);
        if (unmapped.Count > 0)
        {
            LogUnmapped(logger, jobId, unmapped.Count, batchId, unmapped[0]);
        }

        try
        {
            var carried = await index.RecordOutcomesAsync(outcomes, cancellationToken);
            var commitments = carried
                .GroupBy(c => c.TransactionUid, StringComparer.Ordinal)
                .Select(t => new ImportJobCommitment(t.Key, t.Count(c => c.Committed), t.Count(c => !c.Committed), t.Max(c => c.ReportedAt)))
                .ToList();
            if (commitments.Count > 0)
            {
                await jobs.RecordCommitmentsAsync(jobId, commitments, cancellationToken);
                LogCommitments(logger, jobId, commitments.Count);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogOutcomesFailed(logger, ex, jobId, outcomes.Count);
            throw;
        }

        LogOutcomes(logger, jobId, outcomes.Count(o => o.Status == InstanceImportStatus.Imported), outcomes.Count(o => o.Status == InstanceImportStatus.Failed));
    }

    private async Task<ImportState> RecordWorkflowFailureAsync(ImportState state, WorkflowError error, CancellationToken cancellationToken)
    {
        var message = $"{error.Error}: {error.Cause}";
        var jobId = state.JobId;
        if (string.IsNullOrEmpty(jobId))
        {
            // The execution-level recorder knows only the batch: the job StartImportJob recorded, if any, is found by it.
            jobId = (await finder.FindAsync(state.BatchId, state.StudyInstanceUid, cancellationToken))?.JobId;
        }

        LogWorkflowFailed(logger, state.BatchId, jobId ?? "(none)", message);
        if (string.IsNullOrEmpty(jobId))
        {
            // No import job was started: the batch is recorded FAILED under its own id, so that no batch ends unrecorded.
            var now = time.GetUtcNow();
            var never = ImportJob.Submit(StartImportJobHandler.ToSnapshot(
                state, state.BatchId, options.Value.DatastoreId, options.Value.DataAccessRoleArn, now));
            never.TransitionTo(ImportJobStatus.Failed, now, $"{message} (no import job was started)");
            if (await jobs.CreateIfAbsentAsync(never, cancellationToken))
            {
                LogTransition(logger, never.JobId, ImportJobStatus.Submitted.ToWire(), never.Status.ToWire());
                return Output(state, never) with { IsComplete = true };
            }

            jobId = state.BatchId;
        }

        var job = await ApplyAsync(state, jobId, ImportJobStatus.Failed, time.GetUtcNow(), message, cancellationToken);
        return Output(state, job) with { IsComplete = true };
    }

    /// <summary>Applies <paramref name="target"/> to the stored job with a conditional update, retrying on a lost race.</summary>
    private async Task<ImportJob> ApplyAsync(ImportState state, string jobId, ImportJobStatus target, DateTimeOffset at, string? message, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt <= MaxConflictRetries; attempt++)
        {
            var job = await jobs.GetAsync(jobId, cancellationToken);
            if (job is null)
            {
                // The record was not written (StartImportJob died after starting the job): write it now.
                job = ImportJob.Submit(StartImportJobHandler.ToSnapshot(
                    state, jobId, options.Value.DatastoreId, options.Value.DataAccessRoleArn, time.GetUtcNow()));
                if (!await jobs.CreateIfAbsentAsync(job, cancellationToken))
                {
                    continue;
                }
            }

            var expected = job.Status;
            if (!job.Advance(target, at, message))
            {
                return job;
            }

            if (await jobs.TryUpdateAsync(job, expected, cancellationToken))
            {
                LogTransition(logger, jobId, expected.ToWire(), job.Status.ToWire());
                return job;
            }
        }

        throw new InvalidOperationException($"job {jobId}: the status update lost {MaxConflictRetries + 1} races in a row");
    }

    private static ImportState Output(ImportState state, ImportJob job) => state with
    {
        JobId = job.JobId,
        JobStatus = job.Status.ToWire(),
        IsComplete = job.IsTerminal,
        Message = job.Message,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Import job {JobId}: {From} -> {To}")]
    private static partial void LogTransition(ILogger logger, string jobId, string from, string to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import job {JobId} failed without readable results: {Reason}")]
    private static partial void LogNoResults(ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import job {JobId}: outcomes recorded for {Imported} imported and {Failed} failed instances")]
    private static partial void LogOutcomes(ILogger logger, string jobId, int imported, int failed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import job {JobId}: {Count} storage commitment transactions covered its instances")]
    private static partial void LogCommitments(ILogger logger, string jobId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import job {JobId} of batch {BatchId} ended, but this host has no received-instance index: where each instance landed is not recorded (the job output still holds it)")]
    private static partial void LogNoIndex(ILogger logger, string jobId, string batchId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import job {JobId}: {Count} rejected input files name no instance of batch {BatchId} (first: {InputFile})")]
    private static partial void LogUnmapped(ILogger logger, string jobId, int count, string batchId, string inputFile);

    [LoggerMessage(Level = LogLevel.Error, Message = "Import job {JobId} ended and is recorded, but recording its {Count} instance outcomes (or the storage commitments they carry) failed; CheckStatus is retried")]
    private static partial void LogOutcomesFailed(ILogger logger, Exception exception, string jobId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch {BatchId}, job {JobId}: workflow failed: {Message}")]
    private static partial void LogWorkflowFailed(ILogger logger, string batchId, string jobId, string message);
}
