using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Application.Instances;
using ImagingGateway.Domain.Batches;
using ImagingGateway.Domain.Dicom;
using ImagingGateway.Domain.Instances;
using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Application.Batches.RecoverOpenBatches;

public sealed partial class RecoverOpenBatchesHandler(
    OpenBatchRegistry registry,
    BatchCloser closer,
    BatchManifestWriter writer,
    OpenBatchMarkers markers,
    IInstanceStore store,
    TimeProvider time,
    IOptions<BatchingOptions> options,
    ILogger<RecoverOpenBatchesHandler> logger) : ICommandHandler<RecoverOpenBatchesCommand, RecoverOpenBatchesResult>
{
    public const string RecoveredAssociationId = "recovered";

    public async ValueTask<RecoverOpenBatchesResult> Handle(RecoverOpenBatchesCommand command, CancellationToken cancellationToken)
    {
        var results = new List<RecoveredBatch>();

        // Closes of this process that failed earlier (the store was down): retry them first.
        foreach (var batch in registry.ClaimUnclosed())
        {
            var key = await closer.CloseClaimedAsync(batch, "recovery (retry)", cancellationToken);
            results.Add(new RecoveredBatch(batch.Id.Value, key, batch.Instances.Count, []));
        }

        var now = time.GetUtcNow();
        var quiet = command.QuietPeriod ?? options.Value.RecoveryQuietPeriod;
        var reader = new StoredInstanceReader(store);
        var open = new List<(BatchId BatchId, DateTimeOffset WrittenAt)>();
        await foreach (var marker in markers.ListAsync(cancellationToken))
        {
            open.Add(marker);
        }

        foreach (var (batchId, writtenAt) in open)
        {
            if (registry.Contains(batchId))
            {
                continue;
            }

            if (await store.GetInfoAsync(ObjectKeys.Manifest(batchId), cancellationToken) is not null)
            {
                // Closed, but its marker outlived it (a failed delete, or a crash between the two).
                await markers.DeleteAsync(batchId, cancellationToken);
                continue;
            }

            var objects = new List<StoredObjectInfo>();
            await foreach (var o in store.ListAsync(ObjectKeys.BatchPrefix(batchId), cancellationToken))
            {
                if (ObjectKeys.TryParseInstance(o.Key, out var owner) && owner == batchId)
                {
                    objects.Add(o);
                }
            }

            var newest = objects.Count == 0 ? writtenAt : objects.Max(o => o.LastModified);
            if (newest > now - quiet)
            {
                continue;
            }

            results.Add(await RecoverAsync(batchId, objects, reader, cancellationToken));
        }

        return new RecoverOpenBatchesResult(results);
    }

    private async Task<RecoveredBatch> RecoverAsync(BatchId batchId, List<StoredObjectInfo> objects, StoredInstanceReader reader, CancellationToken cancellationToken)
    {
        ImportBatch? batch = null;
        var skipped = new List<string>();
        foreach (var o in objects)
        {
            var read = await reader.ReadHeaderAsync(o, cancellationToken);
            if (read?.Meta is not { } meta)
            {
                skipped.Add($"{o.Key}: {(read is null ? "deleted meanwhile" : $"not a Part 10 file: {read.Error}")}");
                continue;
            }

            if (InstanceChecks.Check(read, meta.MediaStorageSopClassUid, meta.MediaStorageSopInstanceUid) is { } problem)
            {
                skipped.Add($"{o.Key}: {problem.Detail}");
                continue;
            }

            var header = read.Header!;
            var sop = DicomUid.Parse(header.SopInstanceUid);
            if (ObjectKeys.Instance(batchId, sop) != o.Key || !DicomUid.TryParse(meta.TransferSyntaxUid, out var syntax, out _))
            {
                skipped.Add($"{o.Key}: its SOP Instance UID or transfer syntax does not fit its key");
                continue;
            }

            batch ??= new ImportBatch(batchId, AeOrDefault(meta.SourceApplicationEntityTitle), AeOrDefault(meta.ReceivingApplicationEntityTitle),
                RecoveredAssociationId, batchId.Timestamp, options.Value.Limits);
            batch.Add(new ReceivedInstance(
                batchId, o.Key, o.Size, o.Checksum ?? string.Empty, DicomUid.Parse(header.SopClassUid), sop,
                DicomUid.Parse(header.StudyInstanceUid), DicomUid.Parse(header.SeriesInstanceUid),
                InstanceChecks.StudyDateOrNull(header.StudyDate), syntax, batch.CallingAeTitle, batch.CalledAeTitle,
                RecoveredAssociationId, o.LastModified));
        }

        foreach (var s in skipped)
        {
            LogSkipped(logger, batchId.Value, s);
        }

        if (batch is null)
        {
            // Nothing importable was committed (the process died before its first commit completed).
            await markers.DeleteAsync(batchId, cancellationToken);
            return new RecoveredBatch(batchId.Value, null, 0, skipped);
        }

        var key = await writer.WriteAsync(batch, "recovery", cancellationToken);
        LogRecovered(logger, batchId.Value, batch.Instances.Count);
        return new RecoveredBatch(batchId.Value, key, batch.Instances.Count, skipped);
    }

    private static AeTitle AeOrDefault(string? value) => AeTitle.TryParse(value, out var ae, out _) ? ae : default;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recovered batch {BatchId} with {Count} instances left open by an earlier run")]
    private static partial void LogRecovered(ILogger logger, string batchId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recovery of batch {BatchId} left out {Problem}")]
    private static partial void LogSkipped(ILogger logger, string batchId, string problem);
}
