using System.Text.Json;
using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Application.Common.Serialization;
using ImagingGateway.Domain.Batches;
using Microsoft.Extensions.Logging;

namespace ImagingGateway.Application.Batches;

/// <summary>
/// Closes a batch by writing <c>batches/{batchId}.json</c> (two-phase, so a half-written manifest never triggers an
/// import). Shared by CloseBatch, CloseAssociationBatches, StoreInstance (batch full) and recovery.
/// </summary>
public sealed partial class BatchManifestWriter(IInstanceStore store, TimeProvider time, ILogger<BatchManifestWriter> logger)
{
    /// <summary>
    /// Writes the manifest unless one already exists. Returns the manifest key, or null for an empty batch
    /// (nothing to import, nothing written).
    /// </summary>
    public async Task<string?> WriteAsync(ImportBatch batch, string reason, CancellationToken cancellationToken)
    {
        if (batch.Instances.Count == 0)
        {
            LogEmpty(logger, batch.Id.Value, reason);
            return null;
        }

        var key = ObjectKeys.Manifest(batch.Id);
        if (await store.GetInfoAsync(key, cancellationToken) is not null)
        {
            // Closed before (a replay, or recovery racing a close): writing again would raise a second event.
            LogAlreadyClosed(logger, batch.Id.Value);
            batch.Close(time.GetUtcNow());
            return key;
        }

        var closedAt = time.GetUtcNow();
        var manifest = ToManifest(batch, reason, closedAt);
        await using (var upload = await store.BeginPutAsync(key, cancellationToken))
        {
            await JsonSerializer.SerializeAsync(upload.Content, manifest, ApplicationJsonContext.Default.BatchManifest, cancellationToken);
            await upload.CommitAsync(cancellationToken);
        }

        batch.Close(closedAt);
        LogClosed(logger, batch.Id.Value, batch.Instances.Count, batch.TotalBytes, reason);
        return key;
    }

    public const int MaxReasonLength = 200;

    public static BatchManifest ToManifest(ImportBatch batch, string reason, DateTimeOffset closedAt) => new()
    {
        BatchId = batch.Id.Value,
        InputPrefix = batch.InputPrefix,
        CallingAeTitle = batch.CallingAeTitle.Value,
        CalledAeTitle = batch.CalledAeTitle.Value,
        AssociationId = batch.AssociationId,
        OpenedAt = batch.OpenedAt,
        ClosedAt = closedAt,
        CloseReason = reason.Length <= MaxReasonLength ? reason : reason[..MaxReasonLength],
        Instances = [.. batch.Instances.Select(i => new BatchManifestInstance
        {
            Key = i.ObjectKey,
            Size = i.Size,
            Sha256 = string.IsNullOrEmpty(i.Sha256) ? null : i.Sha256,
            SopClassUid = i.SopClassUid.Value,
            SopInstanceUid = i.SopInstanceUid.Value,
            StudyInstanceUid = i.StudyInstanceUid.Value,
            SeriesInstanceUid = i.SeriesInstanceUid.Value,
            StudyDate = i.StudyDate,
            TransferSyntaxUid = i.TransferSyntaxUid.Value,
            ReceivedAt = i.ReceivedAt,
        })],
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {BatchId} closed ({Reason}): {Count} instances, {Bytes} bytes")]
    private static partial void LogClosed(ILogger logger, string batchId, int count, long bytes, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Batch {BatchId} is empty ({Reason}): nothing to import")]
    private static partial void LogEmpty(ILogger logger, string batchId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {BatchId} already has a manifest")]
    private static partial void LogAlreadyClosed(ILogger logger, string batchId);
}
