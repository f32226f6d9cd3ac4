using ImagingGateway.Domain.Batches;
using Microsoft.Extensions.Logging;

namespace ImagingGateway.Application.Batches;

/// <summary>
/// Closes a batch claimed from the <see cref="OpenBatchRegistry"/>: writes its manifest, then lets it leave the
/// registry. When writing fails the claim is given back (recovery retries it) and the exception propagates.
/// <para>
/// A batch that a store fills is closed in the background (<see cref="StartClose"/>), off that store's answer: the
/// instance is durable and its batch's open-batch marker too, so a crash before the close leaves a batch that recovery
/// closes. Whoever ends batches (an association's release, the gateway stopping) first waits for the closes in flight
/// (<see cref="WaitForClosesAsync"/>), so a close that failed meanwhile is claimed and retried then.
/// </para>
/// </summary>
public sealed partial class BatchCloser(OpenBatchRegistry registry, BatchManifestWriter writer, ILogger<BatchCloser> logger)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, (string AssociationId, Task Close)> _inFlight = [];
    private long _nextClose;

    public async Task<string?> CloseClaimedAsync(ImportBatch batch, string reason, CancellationToken cancellationToken)
    {
        if (registry.MarkerOf(batch.Id) is { } marker)
        {
            // The marker is deleted after the manifest: it must have landed first, or it would outlive its batch.
            await marker.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        string? key;
        try
        {
            key = await writer.WriteAsync(batch, reason, cancellationToken);
        }
        catch
        {
            registry.ReleaseClaim(batch.Id);
            throw;
        }

        registry.Remove(batch.Id);
        return key;
    }

    /// <summary>
    /// Starts closing a claimed batch without waiting for it. A failure is logged and leaves the batch sealed and
    /// claimable: the next <see cref="WaitForClosesAsync"/> caller that ends batches, or recovery, closes it.
    /// </summary>
    public void StartClose(ImportBatch batch, string reason)
    {
        lock (_lock)
        {
            // Registered under the lock, so the close's own removal (which takes it too) always comes after.
            var id = _nextClose++;
            _inFlight[id] = (batch.AssociationId, Task.Run(() => CloseLoggedAsync(id, batch, reason)));
        }
    }

    /// <summary>How many background closes are running.</summary>
    public int InFlight
    {
        get
        {
            lock (_lock)
            {
                return _inFlight.Count;
            }
        }
    }

    /// <summary>
    /// Waits until no background close is running for the batches of <paramref name="associationId"/> (every batch when
    /// null), including closes started while waiting. Never throws for a failed close: it was logged, and the batch is
    /// claimable again.
    /// </summary>
    public async Task WaitForClosesAsync(string? associationId, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task[] running;
            lock (_lock)
            {
                running = [.. _inFlight.Values.Where(c => associationId is null || c.AssociationId == associationId).Select(c => c.Close)];
            }

            if (running.Length == 0)
            {
                return;
            }

            await Task.WhenAll(running).WaitAsync(cancellationToken);
        }
    }

    private async Task CloseLoggedAsync(long id, ImportBatch batch, string reason)
    {
        try
        {
            await CloseClaimedAsync(batch, reason, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The instances are durable and the open-batch marker stays: the batch is closed later, not lost.
            LogCloseFailed(logger, ex, batch.Id.Value, reason);
        }
        finally
        {
            lock (_lock)
            {
                _inFlight.Remove(id);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Closing batch {BatchId} ({Reason}) failed; it is closed again when its association ends, the gateway stops, or recovery runs")]
    private static partial void LogCloseFailed(ILogger logger, Exception exception, string batchId, string reason);
}
