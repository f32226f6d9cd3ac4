using ImagingGateway.Application.Batches.CloseAssociationBatches;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Instances.StoreInstance;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Dimse.Store;
using ImagingGateway.Gateway.Observability;
using Mediator;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>
/// Translates SCP events into use cases: a C-STORE becomes a StoreInstance command reading the data set from a
/// <see cref="HandOffStoreSink"/>; the end of an association becomes CloseAssociationBatches.
/// </summary>
public sealed partial class StoreBridge(ISender sender, GatewayStats stats, GatewayMetrics metrics, ILogger<StoreBridge> logger)
{
    public IStoreInstanceSink Begin(StoreRequestContext context, CancellationToken cancellationToken) =>
        new HandOffStoreSink(
            (content, ct) => StoreAsync(context, content, ct),
            (status, bytes, elapsed) => Completed(context, status, bytes, elapsed),
            cancellationToken);

    public async Task CloseAssociationAsync(string associationId, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await sender.Send(new CloseAssociationBatchesCommand(associationId, reason), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The batches stay open on disk; RecoverOpenBatches closes them at the next start (nothing acknowledged is lost).
            LogCloseFailed(logger, e, associationId);
        }
    }

    private async Task<StoreOutcome> StoreAsync(StoreRequestContext context, Stream content, CancellationToken cancellationToken)
    {
        var command = new StoreInstanceCommand(
            context.AssociationId, context.CallingAeTitle, context.CalledAeTitle, context.SopClassUid, context.SopInstanceUid, context.TransferSyntaxUid, content);
        StoreInstanceResult result;
        try
        {
            result = await sender.Send(command, cancellationToken);
        }
        catch (RequestValidationException e)
        {
            // The command's fields were refused before the handler ran: drain the data set, answer C000 naming them.
            await content.CopyToAsync(Stream.Null, cancellationToken);
            result = StoreInstanceResult.FromValidationFailure(e);
        }

        if (!result.IsSuccess)
        {
            LogRefused(logger, context.AssociationId, context.SopInstanceUid, result.Status.Code, result.Detail ?? result.ErrorComment ?? string.Empty);
        }

        // PS3.7 C.4.2: the sender learns why, within the 64 characters of Error Comment (0000,0902).
        return new StoreOutcome(result.Status, result.IsSuccess ? null : result.ErrorComment);
    }

    private void Completed(StoreRequestContext context, DimseStatus status, long bytes, TimeSpan elapsed)
    {
        metrics.StoreCompleted(status.Code, bytes, elapsed);
        if (status.IsFailure)
        {
            stats.StoreFailed();
            LogStoreFailed(logger, context.AssociationId, context.SopInstanceUid, status.ToString());
        }
        else
        {
            stats.InstanceStored(bytes);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Closing the batches of association {AssociationId} failed; they will be closed at the next start")]
    private static partial void LogCloseFailed(ILogger logger, Exception exception, string associationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Association {AssociationId}: C-STORE of {SopInstanceUid} answered {Status}")]
    private static partial void LogStoreFailed(ILogger logger, string associationId, string sopInstanceUid, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Association {AssociationId}: C-STORE of {SopInstanceUid} refused with 0x{Status:X4}: {Detail}")]
    private static partial void LogRefused(ILogger logger, string associationId, string sopInstanceUid, ushort status, string detail);
}
