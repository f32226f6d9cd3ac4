using System.Text.Json;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Batches;
using Microsoft.Extensions.Logging;

namespace ImagingGateway.Application.Batches;

/// <summary>
/// The open-batch markers <c>open-batches/{batchId}.json</c>: one is written when a batch's first instance is
/// committed (alongside that commit, not after it) and deleted once the batch's manifest is written, so recovery after
/// a crash lists what is open instead of every instance of the last days. The marker's content is for people; its key
/// is what recovery needs.
/// </summary>
public sealed partial class OpenBatchMarkers(IInstanceStore store, ILogger<OpenBatchMarkers> logger)
{
    public async Task WriteAsync(ImportBatch batch, CancellationToken cancellationToken)
    {
        await using var upload = await store.BeginPutAsync(ObjectKeys.OpenMarker(batch.Id), cancellationToken);
        await using (var json = new Utf8JsonWriter(upload.Content))
        {
            json.WriteStartObject();
            json.WriteString("batchId", batch.Id.Value);
            json.WriteString("inputPrefix", batch.InputPrefix);
            json.WriteString("callingAeTitle", batch.CallingAeTitle.Value);
            json.WriteString("calledAeTitle", batch.CalledAeTitle.Value);
            json.WriteString("openedAt", batch.OpenedAt);
            json.WriteEndObject();
        }

        await upload.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Deletes the marker of a closed batch. A failure is only logged: a marker left behind costs recovery one look
    /// (it finds the manifest and deletes the marker then).
    /// </summary>
    public async Task DeleteAsync(BatchId batchId, CancellationToken cancellationToken)
    {
        try
        {
            await store.DeleteAsync(ObjectKeys.OpenMarker(batchId), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogDeleteFailed(logger, ex, batchId.Value);
        }
    }

    /// <summary>The batches whose markers are present, oldest first, with the markers' times.</summary>
    public async IAsyncEnumerable<(BatchId BatchId, DateTimeOffset WrittenAt)> ListAsync(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var o in store.ListAsync(ObjectKeys.OpenMarkersRoot, cancellationToken))
        {
            if (ObjectKeys.TryParseOpenMarker(o.Key, out var batchId))
            {
                yield return (batchId, o.LastModified);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting the open-batch marker of closed batch {BatchId} failed; recovery deletes it later")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, string batchId);
}
