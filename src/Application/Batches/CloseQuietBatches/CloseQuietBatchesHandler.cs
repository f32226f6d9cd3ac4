using ImagingGateway.Application.Batches.CloseBatch;
using ImagingGateway.Application.Common.Options;
using Mediator;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Application.Batches.CloseQuietBatches;

public sealed class CloseQuietBatchesHandler(OpenBatchRegistry registry, BatchCloser closer, IOptions<BatchingOptions> options)
    : ICommandHandler<CloseQuietBatchesCommand, CloseQuietBatchesResult>
{
    public const string QuietReason = "quiet period";
    public const string StoppingReason = "gateway stopping";

    public async ValueTask<CloseQuietBatchesResult> Handle(CloseQuietBatchesCommand command, CancellationToken cancellationToken)
    {
        if (command.Stopping)
        {
            // Closes that stores started end before the gateway does; one that failed is claimed by SealAll and retried.
            await closer.WaitForClosesAsync(null, cancellationToken);
        }

        // Only coalescing batches end by quiet: an association's batch waits for its association, however slow.
        var ready = command.Stopping ? registry.SealAll()
            : registry.GroupsByStudy ? registry.ClaimQuiet(options.Value.QuietPeriod)
            : [];
        var reason = command.Stopping ? StoppingReason : QuietReason;
        var results = new List<CloseBatchResult>(ready.Count);
        var failures = new List<Exception>();
        foreach (var batch in ready)
        {
            try
            {
                var key = await closer.CloseClaimedAsync(batch, reason, cancellationToken);
                results.Add(new CloseBatchResult(batch.Id.Value, key is null ? CloseBatchOutcome.Empty : CloseBatchOutcome.Closed, key, batch.Instances.Count));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Keep closing the others; a failed one stays claimable for recovery. Every failure is reported.
                failures.Add(ex);
            }
        }

        if (command.Stopping)
        {
            // A store still in flight at SealAll closes its batch when it ends.
            await closer.WaitForClosesAsync(null, cancellationToken);
        }

        if (failures.Count > 0)
        {
            throw new AggregateException($"closing {failures.Count} of {ready.Count} quiet batches failed", failures);
        }

        return new CloseQuietBatchesResult(results);
    }
}
