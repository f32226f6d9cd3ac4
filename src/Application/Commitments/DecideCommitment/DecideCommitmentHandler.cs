using ImagingGateway.Application.Batches;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Application.Instances;
using ImagingGateway.Dicom.Network.Dimse.Commitment;
using ImagingGateway.Domain.Dicom;
using Mediator;

namespace ImagingGateway.Application.Commitments.DecideCommitment;

/// <summary>
/// The <c>Durable</c> policy: an instance is committed when the Gateway holds it durably, which is when its C-STORE
/// was answered 0000 after the store's commit. It is found in the received-instance index, or, before its batch is
/// closed, in the batches this process holds. Never received: failed 0x0112 (no such object instance); received with
/// another SOP class: failed 0x0119 (class / instance conflict), PS3.3 C.14.1.1.
/// </summary>
public sealed class DecideCommitmentHandler(OpenBatchRegistry registry, IStorageCommitmentRepository? commitmentRepository = null, IReceivedInstanceIndex? index = null)
    : ICommandHandler<DecideCommitmentCommand, DecideCommitmentResult>
{
    private IStorageCommitmentRepository Commitments => StorageCommitmentRepositories.Required(commitmentRepository);

    public async ValueTask<DecideCommitmentResult> Handle(DecideCommitmentCommand command, CancellationToken cancellationToken)
    {
        var record = await Commitments.FindAsync(command.TransactionUid, cancellationToken)
            ?? throw new NotFoundException("storage commitment", command.TransactionUid);
        var instances = ReceivedInstanceIndexes.Required(index);
        var items = new List<StorageCommitmentItem>(record.Items.Count);
        foreach (var item in record.Items)
        {
            items.Add(item.Decided ? item : await DecideAsync(item, instances, cancellationToken));
        }

        record = record with { Items = items };
        await Commitments.UpdateAsync(record, cancellationToken);
        return new DecideCommitmentResult(record, new StorageCommitmentResult(record.TransactionUid,
            items.Where(i => i.FailureReason is null).Select(i => new ReferencedSop(i.SopClassUid, i.SopInstanceUid)).ToList(),
            items.Where(i => i.FailureReason is not null).Select(i => new FailedSop(i.SopClassUid, i.SopInstanceUid, i.FailureReason!.Value)).ToList()));
    }

    private async Task<StorageCommitmentItem> DecideAsync(StorageCommitmentItem item, IReceivedInstanceIndex instances, CancellationToken cancellationToken)
    {
        string? sopClass = null;
        string? batchId = null;
        if (await instances.FindAsync(item.SopInstanceUid, cancellationToken) is { } indexed)
        {
            (sopClass, batchId) = (indexed.SopClassUid, indexed.BatchId);
        }
        else if (DicomUid.TryParse(item.SopInstanceUid, out var uid, out _) && registry.FindInstance(uid) is { } held)
        {
            (sopClass, batchId) = (held.SopClassUid.Value, held.BatchId.Value);
        }

        var reason = sopClass is null ? StorageCommitmentFailureReason.NoSuchObjectInstance
            : sopClass != item.SopClassUid ? StorageCommitmentFailureReason.ClassInstanceConflict
            : (ushort?)null;
        return item with { Decided = true, FailureReason = reason, BatchId = reason is null ? batchId : null };
    }
}
