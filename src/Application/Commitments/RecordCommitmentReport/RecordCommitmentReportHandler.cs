using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Ports;
using Mediator;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Application.Commitments.RecordCommitmentReport;

/// <summary>
/// Moves a request on after a delivery attempt: Reported, or Pending with the next attempt after RetryInterval doubled
/// per attempt (at most 32 times), or Undeliverable after MaxAttempts or when the attempt gave up.
/// </summary>
public sealed class RecordCommitmentReportHandler(TimeProvider time, IOptions<StorageCommitmentOptions> options, IStorageCommitmentRepository? commitmentRepository = null)
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
        return record;
    }
}
