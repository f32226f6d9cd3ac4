using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Dicom.Network.Dimse.Commitment;
using ImagingGateway.Domain.Imports;
using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Application.Commitments.RecordCommitmentReport;

/// <summary>
/// Moves a request on after a delivery attempt: Reported, or Pending with the next attempt after RetryInterval doubled
/// per attempt (at most 32 times), or Undeliverable after MaxAttempts or when the attempt gave up.
/// <para>
/// A delivered report is then kept where users look for an instance or a job: each decided instance's record in the
/// <see cref="IReceivedInstanceIndex"/> gets the Transaction UID and its outcome, and each job that already has an
/// import outcome for one of them gets the transaction's counts for its batch (a job that ends later is told by
/// CheckImportStatus). The commitment record stays the source of truth: a failure to write these derived records is
/// logged and does not undo or repeat the delivery.
/// </para>
/// </summary>
public sealed partial class RecordCommitmentReportHandler(
    TimeProvider time,
    IOptions<StorageCommitmentOptions> options,
    ILogger<RecordCommitmentReportHandler> logger,
    IStorageCommitmentRepository? commitmentRepository = null,
    IReceivedInstanceIndex? index = null,
    IImportJobRepository? jobs = null)
    : ICommandHandler<RecordCommitmentReportCommand, StorageCommitmentRecord>
{
    private IStorageCommitmentRepository Commitments => StorageCommitmentRepositories.Required(commitmentRepository);

    public async ValueTask<StorageCommitmentRecord> Handle(RecordCommitmentReportCommand command, CancellationToken cancellationToken)
    {
        var record = await Commitments.FindAsync(command.TransactionUid, cancellationToken)
            ?? throw new NotFoundException("storage commitment", command.TransactionUid);
        var now = time.GetUtcNow();
        var attempts = record.Attempts + 1;
        var settings = options.Value;
        record = command.Delivered
            ? record with { State = StorageCommitmentState.Reported, Attempts = attempts, ReportedAt = now, ReportedVia = command.Via, LastError = null }
            : command.GiveUp || attempts >= settings.MaxAttempts
                ? record with { State = StorageCommitmentState.Undeliverable, Attempts = attempts, LastError = command.Error }
                : record with { Attempts = attempts, LastError = command.Error, NextAttemptAt = now + settings.RetryInterval * Math.Pow(2, Math.Min(attempts - 1, 5)) };
        await Commitments.UpdateAsync(record, cancellationToken);
        if (command.Delivered)
        {
            await RecordOnInstancesAndJobsAsync(record, now, cancellationToken);
        }

        return record;
    }

    private async Task RecordOnInstancesAndJobsAsync(StorageCommitmentRecord record, DateTimeOffset reportedAt, CancellationToken cancellationToken)
    {
        if (index is null)
        {
            return;
        }

        try
        {
            // An instance reported never received (0x0112) has no record to keep it on, and a sender's made-up UIDs must not create one.
            var decided = record.Items.Where(i => i.Decided && i.FailureReason != StorageCommitmentFailureReason.NoSuchObjectInstance).ToList();
            var outcomes = await index.RecordCommitmentsAsync(
                [.. decided.Select(i => new InstanceCommitment(i.SopInstanceUid, record.TransactionUid, i.FailureReason, reportedAt))],
                cancellationToken);
            if (jobs is null || outcomes.Count == 0)
            {
                return;
            }

            // A failed item names no batch: the batch its recorded import outcome names places it in a job.
            var batchOf = outcomes.ToDictionary(o => o.SopInstanceUid, o => o.BatchId, StringComparer.Ordinal);
            foreach (var job in outcomes.Select(o => (o.JobId, o.BatchId)).Distinct())
            {
                var covered = decided.Where(i => (i.BatchId ?? batchOf.GetValueOrDefault(i.SopInstanceUid)) == job.BatchId).ToList();
                var commitment = new ImportJobCommitment(
                    record.TransactionUid, covered.Count(i => i.FailureReason is null), covered.Count(i => i.FailureReason is not null), reportedAt);
                if (!await jobs.RecordCommitmentsAsync(job.JobId, [commitment], cancellationToken))
                {
                    LogNoJob(logger, record.TransactionUid, job.JobId);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRecordFailed(logger, e, record.TransactionUid);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Storage commitment {TransactionUid} was reported, but recording it on its instances and jobs failed: GET /api/commitments/{TransactionUid} still answers for it")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, string transactionUid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage commitment {TransactionUid}: import job {JobId}, named by an instance's import outcome, is not in the job table")]
    private static partial void LogNoJob(ILogger logger, string transactionUid, string jobId);
}
