using ImagingGateway.Application.Batches;
using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Batches;
using ImagingGateway.Domain.Dicom;
using Mediator;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Application.Commitments.RequestCommitment;

/// <summary>
/// Records a storage commitment request (PS3.4 J.3.2) once per Transaction UID. Under the <c>Imported</c> policy it also
/// closes the batches this process holds the referenced instances in: their report waits for their import, which
/// starts only when their batch closes, and a sender waiting on its association for the report would otherwise keep
/// its own batch open (PerAssociation closes at release, PerCallingAeAndStudy after the quiet period).
/// </summary>
public sealed class RequestCommitmentHandler(
    TimeProvider time, OpenBatchRegistry registry, BatchCloser closer, IOptions<StorageCommitmentOptions> options,
    IStorageCommitmentRepository? commitmentRepository = null)
    : ICommandHandler<RequestCommitmentCommand, RequestCommitmentResult>
{
    public const string CloseReason = "storage commitment requested";

    private IStorageCommitmentRepository Commitments => StorageCommitmentRepositories.Required(commitmentRepository);

    public async ValueTask<RequestCommitmentResult> Handle(RequestCommitmentCommand command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var record = new StorageCommitmentRecord(command.TransactionUid, command.CallingAeTitle, command.CalledAeTitle, command.AssociationId, now,
            command.References.Select(r => new StorageCommitmentItem(r.SopClassUid, r.SopInstanceUid)).ToList(),
            StorageCommitmentState.Pending, now);
        if (await Commitments.TryAddAsync(record, cancellationToken))
        {
            if (options.Value.Policy == StorageCommitmentPolicy.Imported)
            {
                CloseBatchesHolding(record.Items);
            }

            return new RequestCommitmentResult(record, IsNew: true);
        }

        var existing = await Commitments.FindAsync(command.TransactionUid, cancellationToken)
            ?? throw new InvalidOperationException($"commitment {command.TransactionUid} was neither added nor found");
        return new RequestCommitmentResult(existing, IsNew: false);
    }

    /// <summary>A batch with stores still in flight is closed by the last of them, as on release.</summary>
    private void CloseBatchesHolding(IReadOnlyList<StorageCommitmentItem> items)
    {
        var batches = new HashSet<BatchId>();
        foreach (var item in items)
        {
            if (DicomUid.TryParse(item.SopInstanceUid, out var uid, out _) && registry.FindInstance(uid) is { } held)
            {
                batches.Add(held.BatchId);
            }
        }

        foreach (var batchId in batches)
        {
            if (registry.TryClaimForClose(batchId, out _) is { } batch)
            {
                closer.StartClose(batch, CloseReason);
            }
        }
    }
}
