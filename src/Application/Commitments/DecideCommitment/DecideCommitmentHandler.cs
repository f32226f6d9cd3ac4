using ImagingGateway.Application.Batches;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Application.Instances;
using ImagingGateway.Dicom.Network.Dimse.Commitment;
using ImagingGateway.Domain.Dicom;
using Mediator;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Application.Commitments.DecideCommitment;

/// <summary>
/// Decides each instance of a request by the policy, PS3.3 C.14.1.1 reasons for the failures. An instance the Gateway
/// never received (not in the received-instance index, nor in a batch this process holds): 0x0112 (no such object
/// instance), once UnknownInstanceWait has passed since the request, for until then it may be in another Gateway
/// task's batch, indexed only when that batch closes; received with another SOP class: 0x0119 (class / instance
/// conflict). Otherwise, <c>Durable</c>: committed, since its C-STORE was answered 0000 only after the store's commit.
/// <c>Imported</c>: committed once its import outcome says imported, 0x0110 (processing failure) when the import failed
/// or no outcome came within MaxImportWait, and undecided meanwhile: the request is then looked at again after
/// DecisionInterval, and no report is made yet.
/// </summary>
public sealed class DecideCommitmentHandler(
    OpenBatchRegistry registry, TimeProvider time, IOptions<StorageCommitmentOptions> options,
    IStorageCommitmentRepository? commitmentRepository = null, IReceivedInstanceIndex? index = null)
    : ICommandHandler<DecideCommitmentCommand, DecideCommitmentResult>
{
    private IStorageCommitmentRepository Commitments => StorageCommitmentRepositories.Required(commitmentRepository);

    public async ValueTask<DecideCommitmentResult> Handle(DecideCommitmentCommand command, CancellationToken cancellationToken)
    {
        var record = await Commitments.FindAsync(command.TransactionUid, cancellationToken)
            ?? throw new NotFoundException("storage commitment", command.TransactionUid);
        var instances = ReceivedInstanceIndexes.Required(index);
        var now = time.GetUtcNow();
        var settings = options.Value;
        var waitedTooLong = now - record.RequestedAt >= settings.MaxImportWait;
        var unknownWaitEnds = record.RequestedAt + settings.UnknownInstanceWait;
        var items = new List<StorageCommitmentItem>(record.Items.Count);
        foreach (var item in record.Items)
        {
            items.Add(item.Decided ? item : await DecideAsync(item, instances, settings.Policy, waitedTooLong, unknownWaitEnds > now, cancellationToken));
        }

        var decided = items.All(i => i.Decided);
        record = record with { Items = items, NextAttemptAt = decided ? record.NextAttemptAt : NextLook(now, settings.DecisionInterval, unknownWaitEnds) };
        await Commitments.UpdateAsync(record, cancellationToken);
        if (!decided)
        {
            return new DecideCommitmentResult(record, null);
        }

        return new DecideCommitmentResult(record, new StorageCommitmentResult(record.TransactionUid,
            items.Where(i => i.FailureReason is null).Select(i => new ReferencedSop(i.SopClassUid, i.SopInstanceUid)).ToList(),
            items.Where(i => i.FailureReason is not null).Select(i => new FailedSop(i.SopClassUid, i.SopInstanceUid, i.FailureReason!.Value)).ToList()));
    }

    /// <summary>After DecisionInterval, or when the unknown-instance wait ends if that is sooner, so its 0x0112 is not late.</summary>
    private static DateTimeOffset NextLook(DateTimeOffset now, TimeSpan decisionInterval, DateTimeOffset unknownWaitEnds) =>
        unknownWaitEnds > now && unknownWaitEnds < now + decisionInterval ? unknownWaitEnds : now + decisionInterval;

    private async Task<StorageCommitmentItem> DecideAsync(StorageCommitmentItem item, IReceivedInstanceIndex instances, StorageCommitmentPolicy policy,
        bool waitedTooLong, bool mayBeInAnotherTask, CancellationToken cancellationToken)
    {
        var indexed = await instances.FindAsync(item.SopInstanceUid, cancellationToken);
        var held = indexed is null && DicomUid.TryParse(item.SopInstanceUid, out var uid, out _) ? registry.FindInstance(uid) : null;
        var sopClass = indexed?.SopClassUid ?? held?.SopClassUid.Value;
        var batchId = indexed?.BatchId ?? held?.BatchId.Value;
        if (sopClass is null)
        {
            return mayBeInAnotherTask ? item : Failed(item, StorageCommitmentFailureReason.NoSuchObjectInstance);
        }

        if (sopClass != item.SopClassUid)
        {
            return Failed(item, StorageCommitmentFailureReason.ClassInstanceConflict);
        }

        if (policy == StorageCommitmentPolicy.Durable)
        {
            return item with { Decided = true, FailureReason = null, BatchId = batchId };
        }

        return indexed?.ImportOutcome?.Status switch
        {
            InstanceImportStatus.Imported => item with { Decided = true, FailureReason = null, BatchId = batchId },
            InstanceImportStatus.Failed => Failed(item, StorageCommitmentFailureReason.ProcessingFailure),
            _ when waitedTooLong => Failed(item, StorageCommitmentFailureReason.ProcessingFailure),
            _ => item,
        };
    }

    private static StorageCommitmentItem Failed(StorageCommitmentItem item, ushort reason) =>
        item with { Decided = true, FailureReason = reason, BatchId = null };
}
