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
/// <para>
/// Once the manifest is durable, every instance of the batch is recorded in the <see cref="IReceivedInstanceIndex"/>
/// in one call. The manifest is the source of truth: an indexing failure is logged and does not fail the close. A host
/// that registers no index (the Lambda functions, which never close batches) indexes nothing. The batch's open-batch
/// marker goes once the manifest is durable (or found), or when the batch turns out empty.
/// </para>
/// </summary>
public sealed partial class BatchManifestWriter(
    IInstanceStore store, OpenBatchMarkers markers, TimeProvider time, ILogger<BatchManifestWriter> logger, IReceivedInstanceIndex? index = null)
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
            DeleteMarker(batch);
            return null;
        }

        var key = ObjectKeys.Manifest(batch.Id);
        if (await store.GetInfoAsync(key, cancellationToken) is not null)
        {
            // Closed before (a replay, or recovery racing a close): writing again would raise a second event.
            LogAlreadyClosed(logger, batch.Id.Value);
            batch.Close(time.GetUtcNow());
            DeleteMarker(batch);
            // Recording again is harmless (latest received wins) and fills in a batch whose indexing failed before.
            await IndexAsync(batch, cancellationToken);
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
        DeleteMarker(batch);
        await IndexAsync(batch, cancellationToken);
        return key;
    }

    /// <summary>
    /// Deletes the batch's open-batch marker without waiting: the manifest already closes the batch, so an association's
    /// release need not wait for the delete. A marker a crash leaves behind is deleted by recovery, which finds the
    /// manifest; the delete logs its own failure.
    /// </summary>
    private void DeleteMarker(ImportBatch batch) => _ = markers.DeleteAsync(batch.Id, CancellationToken.None);

    /// <summary>The index records of a batch's instances (the facts its manifest holds).</summary>
    public static IReadOnlyList<ReceivedInstanceRecord> ToIndexRecords(ImportBatch batch)
    {
        var batchStudy = batch.Instances.Count > 0 ? batch.Instances[0].StudyInstanceUid.Value : string.Empty;
        return [.. batch.Instances.Select(i => new ReceivedInstanceRecord(
            SopInstanceUid: i.SopInstanceUid.Value,
            SopClassUid: i.SopClassUid.Value,
            StudyInstanceUid: i.StudyInstanceUid.Value,
            SeriesInstanceUid: i.SeriesInstanceUid.Value,
            TransferSyntaxUid: i.TransferSyntaxUid.Value,
            StudyDate: i.StudyDate,
            ObjectKey: i.ObjectKey,
            Size: i.Size,
            Checksum: string.IsNullOrEmpty(i.Checksum) ? null : i.Checksum,
            BatchId: batch.Id.Value,
            BatchStudyInstanceUid: batchStudy,
            ReceivedAt: i.ReceivedAt,
            CallingAeTitle: string.IsNullOrEmpty(i.CallingAeTitle.Value) ? null : i.CallingAeTitle.Value,
            CalledAeTitle: string.IsNullOrEmpty(i.CalledAeTitle.Value) ? null : i.CalledAeTitle.Value))];
    }

    private async Task IndexAsync(ImportBatch batch, CancellationToken cancellationToken)
    {
        if (index is null)
        {
            return;
        }

        try
        {
            await index.RecordAsync(ToIndexRecords(batch), cancellationToken);
        }
        catch (Exception ex)
        {
            // The batch is closed (its manifest is durable and will be imported); only the lookup by SOP instance misses it.
            LogIndexFailed(logger, ex, batch.Id.Value, batch.Instances.Count);
        }
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
            Checksum = string.IsNullOrEmpty(i.Checksum) ? null : i.Checksum,
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Batch {BatchId} is closed but recording its {Count} instances in the instance index failed; its manifest still lists them")]
    private static partial void LogIndexFailed(ILogger logger, Exception exception, string batchId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {BatchId} already has a manifest")]
    private static partial void LogAlreadyClosed(ILogger logger, string batchId);
}
