using ImagingGateway.Application.Batches.CloseBatch;
using Mediator;

namespace ImagingGateway.Application.Batches.CloseAssociationBatches;

public sealed class CloseAssociationBatchesHandler(OpenBatchRegistry registry, BatchCloser closer)
    : ICommandHandler<CloseAssociationBatchesCommand, CloseAssociationBatchesResult>
{
    public async ValueTask<CloseAssociationBatchesResult> Handle(CloseAssociationBatchesCommand command, CancellationToken cancellationToken)
    {
        // Closes that its stores started come first: their manifests belong to this association's end, and one that
        // failed is sealed and unclaimed by then, so it is claimed and closed again below.
        await closer.WaitForClosesAsync(command.AssociationId, cancellationToken);
        var ready = registry.EndAssociation(command.AssociationId);
        var results = new List<CloseBatchResult>(ready.Count);
        var failures = new List<Exception>();
        foreach (var batch in ready)
        {
            try
            {
                var key = await closer.CloseClaimedAsync(batch, command.Reason, cancellationToken);
                results.Add(new CloseBatchResult(batch.Id.Value, key is null ? CloseBatchOutcome.Empty : CloseBatchOutcome.Closed, key, batch.Instances.Count));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Keep closing the others; a failed one stays claimable for recovery. Every failure is reported.
                failures.Add(ex);
            }
        }

        if (failures.Count > 0)
        {
            throw new AggregateException($"closing {failures.Count} of {ready.Count} batches of association {command.AssociationId} failed", failures);
        }

        return new CloseAssociationBatchesResult(command.AssociationId, results);
    }
}
