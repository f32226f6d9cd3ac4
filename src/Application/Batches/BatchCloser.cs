using ImagingGateway.Domain.Batches;

namespace ImagingGateway.Application.Batches;

/// <summary>
/// Closes a batch claimed from the <see cref="OpenBatchRegistry"/>: writes its manifest, then lets it leave the
/// registry. When writing fails the claim is given back (recovery retries it) and the exception propagates.
/// </summary>
public sealed class BatchCloser(OpenBatchRegistry registry, BatchManifestWriter writer)
{
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
}
