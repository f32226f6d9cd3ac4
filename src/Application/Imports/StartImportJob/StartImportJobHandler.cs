using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Imports;
using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Application.Imports.StartImportJob;

/// <summary>
/// Idempotent by batch: the client token is the batch id, so a replay gets the same job back from the imaging
/// service, and the job record is created only if absent. A retry batch's job records the job it re-imports, and that
/// job is linked to it (retriedBy), so each shows the other.
/// </summary>
public sealed partial class StartImportJobHandler(
    IImagingService imaging,
    IImportJobRepository jobs,
    IOptions<ImportOptions> options,
    ILogger<StartImportJobHandler> logger) : ICommandHandler<StartImportJobCommand, ImportState>
{
    public async ValueTask<ImportState> Handle(StartImportJobCommand command, CancellationToken cancellationToken)
    {
        var state = command.State;
        var settings = options.Value;
        var started = await imaging.StartImportJobAsync(
            new StartImportRequest(settings.DatastoreId, settings.DataAccessRoleArn, state.InputS3Uri, state.OutputS3Uri, state.BatchId, state.BatchId),
            cancellationToken);

        var job = ImportJob.Submit(ToSnapshot(state, started.JobId, started.DatastoreId, settings.DataAccessRoleArn, started.SubmittedAt));
        var status = job.Status;
        if (!await jobs.CreateIfAbsentAsync(job, cancellationToken))
        {
            // A replay: the record exists and may have moved on already.
            var existing = await jobs.GetAsync(started.JobId, cancellationToken);
            status = existing?.Status ?? status;
            LogReplay(logger, state.BatchId, started.JobId, status.ToWire());
        }
        else
        {
            LogStarted(logger, state.BatchId, started.JobId, state.InstanceCount);
        }

        if (state.RetryOf is { } original)
        {
            await LinkRetryAsync(original, started.JobId, cancellationToken);
        }

        return state with { JobId = started.JobId, JobStatus = status.ToWire(), IsComplete = false, Message = null };
    }

    /// <summary>Links the re-imported job to its retry; replays write the same link again, harmlessly.</summary>
    private async Task LinkRetryAsync(string originalJobId, string retryJobId, CancellationToken cancellationToken)
    {
        var original = await jobs.GetAsync(originalJobId, cancellationToken);
        if (original is null || !original.IsTerminal)
        {
            LogRetryNotLinked(logger, retryJobId, originalJobId);
            return;
        }

        original.LinkRetry(retryJobId);
        try
        {
            await jobs.SetRetriedByAsync(original, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The new job is recorded with retryOf; failing the import for the back link would lose it.
            LogRetryLinkFailed(logger, ex, retryJobId, originalJobId);
        }
    }

    internal static ImportJobSnapshot ToSnapshot(ImportState state, string jobId, string datastoreId, string roleArn, DateTimeOffset submittedAt) => new(
        JobId: jobId,
        Status: ImportJobStatus.Submitted,
        SubmittedAt: submittedAt,
        InputS3Uri: state.InputS3Uri,
        OutputS3Uri: state.OutputS3Uri,
        DatastoreId: datastoreId,
        DataAccessRoleArn: roleArn,
        StudyDate: state.StudyDate,
        StudyInstanceUid: state.StudyInstanceUid,
        SeriesInstanceUid: state.SeriesInstanceUid,
        SopInstanceUid: state.SopInstanceUid,
        EndedAt: null,
        Message: null,
        BatchId: state.BatchId,
        InstanceCount: state.InstanceCount,
        TotalBytes: state.TotalBytes,
        RetryOf: state.RetryOf);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {BatchId}: import job {JobId} started for {Count} instances")]
    private static partial void LogStarted(ILogger logger, string batchId, string jobId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import job {RetryJobId} retries job {OriginalJobId}, which is absent or still running: the original is not linked to it")]
    private static partial void LogRetryNotLinked(ILogger logger, string retryJobId, string originalJobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Import job {RetryJobId} retries job {OriginalJobId}, but recording retriedBy on the original failed")]
    private static partial void LogRetryLinkFailed(ILogger logger, Exception exception, string retryJobId, string originalJobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {BatchId}: import job {JobId} already recorded ({Status})")]
    private static partial void LogReplay(ILogger logger, string batchId, string jobId, string status);
}
