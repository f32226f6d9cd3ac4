using ImagingGateway.Domain.Batches;
using Mediator;

namespace ImagingGateway.Application.Batches.CloseBatch;

/// <summary>Idempotent: closing a batch that is closed, being closed or unknown changes nothing.</summary>
public sealed class CloseBatchHandler(OpenBatchRegistry registry, BatchCloser closer) : ICommandHandler<CloseBatchCommand, CloseBatchResult>
{
    public async ValueTask<CloseBatchResult> Handle(CloseBatchCommand command, CancellationToken cancellationToken)
    {
        var id = BatchId.Parse(command.BatchId);
        var batch = registry.TryClaimForClose(id, out var deferred);
        if (batch is null)
        {
            return new CloseBatchResult(id.Value, deferred ? CloseBatchOutcome.Deferred : CloseBatchOutcome.NotOpen, null, 0);
        }

        var key = await closer.CloseClaimedAsync(batch, command.Reason, cancellationToken);
        return new CloseBatchResult(id.Value, key is null ? CloseBatchOutcome.Empty : CloseBatchOutcome.Closed, key, batch.Instances.Count);
    }
}
