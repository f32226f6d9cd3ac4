using ImagingGateway.Application.Batches;
using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Metadata;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Reading;
using ImagingGateway.Domain.Batches;
using ImagingGateway.Domain.Dicom;
using ImagingGateway.Domain.Instances;
using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using DomainUid = ImagingGateway.Domain.Dicom.DicomUid;

namespace ImagingGateway.Application.Instances.StoreInstance;

/// <summary>
/// Streams one received data set into the instance store as a Part 10 file, checking its header on the way, and
/// commits it only when it is valid: 0x0000 is returned only after the commit. The data set is copied through
/// unchanged and never held in memory; only its first bytes are kept until the header is read.
/// </summary>
public sealed partial class StoreInstanceHandler(
    OpenBatchRegistry registry,
    BatchCloser closer,
    IInstanceStore store,
    TimeProvider time,
    IOptions<ReceiveOptions> receiveOptions,
    ILogger<StoreInstanceHandler> logger) : ICommandHandler<StoreInstanceCommand, StoreInstanceResult>
{
    public async ValueTask<StoreInstanceResult> Handle(StoreInstanceCommand command, CancellationToken cancellationToken)
    {
        var calling = AeTitle.Parse(command.CallingAeTitle, nameof(command.CallingAeTitle));
        var called = AeTitle.Parse(command.CalledAeTitle, nameof(command.CalledAeTitle));
        var reservation = registry.Reserve(command.AssociationId, calling, called);
        ReceivedInstance? stored = null;
        try
        {
            var (result, instance) = await StoreAsync(command, reservation.Batch, calling, called, cancellationToken);
            stored = instance;
            return result;
        }
        finally
        {
            if (registry.Complete(reservation, stored) is { } full)
            {
                await CloseAsync(full, registry.Policy == GroupingPolicy.PerInstance ? "instance stored" : "batch full", cancellationToken);
            }
        }
    }

    private async Task<(StoreInstanceResult, ReceivedInstance?)> StoreAsync(
        StoreInstanceCommand command, ImportBatch batch, AeTitle calling, AeTitle called, CancellationToken cancellationToken)
    {
        var sopInstanceUid = DomainUid.Parse(command.SopInstanceUid, nameof(command.SopInstanceUid));
        var key = batch.KeyFor(sopInstanceUid);
        var syntax = TransferSyntax.Lookup(command.TransferSyntaxUid);
        var meta = DicomFileMetaInformation.Create(command.SopClassUid, command.SopInstanceUid, command.TransferSyntaxUid, calling.Value) with
        {
            SendingApplicationEntityTitle = calling.Value,
            ReceivingApplicationEntityTitle = called.Value,
        };

        IInstanceUpload upload;
        try
        {
            upload = await store.BeginPutAsync(key, cancellationToken);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            return (await OutOfResourcesAsync(command, batch, key, ex, cancellationToken), null);
        }

        await using (upload)
        {
            var writer = new Part10FileWriter(upload.Content);
            Exception? storeFailure = null;
            try
            {
                await writer.WriteFileMetaInformationAsync(meta, cancellationToken);
            }
            catch (Exception ex) when (IsStoreFailure(ex))
            {
                storeFailure = ex;
            }

            var sniffer = new DataSetHeaderSniffer(syntax);
            // A deflated data set (PS3.5 A.5) is inflated as it arrives, so a bomb is refused before anything is stored.
            IDataSetStructureWalk walker = syntax.IsDeflated
                ? new DeflatedDataSetWalker(receiveOptions.Value.MaxInflatedDataSetBytes)
                : new DataSetStructureWalker(syntax);
            var intake = new DataSetIntake(writer, sniffer, walker, command.SopClassUid, command.SopInstanceUid, storeFailure);

            // The content's own memory is handed to the upload (a received fragment is written straight from the
            // receive buffer). Reading Content may throw (the association was aborted): that propagates, and the
            // upload is discarded.
            await command.Content.CopyToAsync(intake, cancellationToken);
            var header = intake.Finish();
            storeFailure = intake.StoreFailure;
            if (intake.Rejection is { } r)
            {
                LogRejected(logger, command.AssociationId, command.SopInstanceUid, r.Status.Code, r.Detail);
                return (StoreInstanceResult.Failure(r.Status, r.Detail, batch.Id.Value), null);
            }

            if (storeFailure is not null)
            {
                return (OutOfResources(command, key, storeFailure, batch), null);
            }

            StoredObjectInfo info;
            try
            {
                await writer.FlushAsync(cancellationToken);
                info = await upload.CommitAsync(cancellationToken);
            }
            catch (Exception ex) when (IsStoreFailure(ex))
            {
                return (OutOfResources(command, key, ex, batch), null);
            }

            var h = header.Header!;
            var instance = new ReceivedInstance(
                batch.Id,
                key,
                info.Size,
                info.Checksum ?? string.Empty,
                DomainUid.Parse(command.SopClassUid),
                sopInstanceUid,
                DomainUid.Parse(h.StudyInstanceUid),
                DomainUid.Parse(h.SeriesInstanceUid),
                InstanceChecks.StudyDateOrNull(h.StudyDate),
                DomainUid.Parse(command.TransferSyntaxUid),
                calling,
                called,
                command.AssociationId,
                time.GetUtcNow());
            LogStored(logger, command.AssociationId, command.SopInstanceUid, key, info.Size);
            return (new StoreInstanceResult(DimseStatus.Success, null, null, batch.Id.Value, key, info.Size, info.Checksum), instance);
        }
    }

    private async Task<StoreInstanceResult> OutOfResourcesAsync(StoreInstanceCommand command, ImportBatch batch, string key, Exception ex, CancellationToken cancellationToken)
    {
        // Drain the data set so the association can go on; the sender gets A700 and may retry.
        await command.Content.CopyToAsync(Stream.Null, cancellationToken);
        return OutOfResources(command, key, ex, batch);
    }

    private StoreInstanceResult OutOfResources(StoreInstanceCommand command, string key, Exception ex, ImportBatch batch)
    {
        LogStoreFailed(logger, ex, command.AssociationId, command.SopInstanceUid, key);
        return StoreInstanceResult.Failure(DimseStatus.OutOfResources, $"instance could not be stored: {ex.Message}", batch.Id.Value);
    }

    private async Task CloseAsync(ImportBatch batch, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await closer.CloseClaimedAsync(batch, reason, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The instance is stored whatever happens to its batch's manifest: the batch stays claimable and
            // RecoverOpenBatches closes it later, so this store's answer does not change.
            LogCloseFailed(logger, ex, batch.Id.Value);
        }
    }

    /// <summary>The failures of the store itself (disk full, S3 unreachable), answered with A700; not the sender's.</summary>
    internal static bool IsStoreFailure(Exception ex) => ex is IOException or UnauthorizedAccessException or TimeoutException;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Association {AssociationId}: stored {SopInstanceUid} at {Key} ({Size} bytes)")]
    private static partial void LogStored(ILogger logger, string associationId, string sopInstanceUid, string key, long size);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Association {AssociationId}: rejected {SopInstanceUid} with status {Status:X4}: {Detail}")]
    private static partial void LogRejected(ILogger logger, string associationId, string sopInstanceUid, ushort status, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Association {AssociationId}: storing {SopInstanceUid} at {Key} failed; answering A700")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string associationId, string sopInstanceUid, string key);

    [LoggerMessage(Level = LogLevel.Error, Message = "Closing batch {BatchId} failed; recovery will close it")]
    private static partial void LogCloseFailed(ILogger logger, Exception exception, string batchId);
}
