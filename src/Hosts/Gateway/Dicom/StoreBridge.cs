using System.Diagnostics;
using ImagingGateway.Application.Batches.CloseAssociationBatches;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Instances.StoreInstance;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Dimse.Store;
using ImagingGateway.Gateway.Observability;
using Mediator;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>
/// Translates SCP events into use cases: a C-STORE opens a StoreInstance session that the SCP's fragments are written
/// into (<see cref="StoreSessionSink"/>); the end of an association becomes CloseAssociationBatches.
/// </summary>
public sealed partial class StoreBridge(ISender sender, GatewayStats stats, GatewayMetrics metrics, ILogger<StoreBridge> logger)
{
    public async ValueTask<IStoreInstanceSink> BeginAsync(StoreRequestContext context, CancellationToken cancellationToken)
    {
        var command = new StoreInstanceCommand(
            context.AssociationId, context.CallingAeTitle, context.CalledAeTitle, context.SopClassUid, context.SopInstanceUid, context.TransferSyntaxUid);
        try
        {
            return new StoreSessionSink(await sender.Send(command, cancellationToken), null, this, context);
        }
        catch (RequestValidationException e)
        {
            // The command's fields were refused before a session opened: the data set is ignored, C000 names them.
            return new StoreSessionSink(null, StoreInstanceResult.FromValidationFailure(e), this, context);
        }
    }

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

    /// <summary>The answer of one C-STORE, with its metrics; PS3.7 C.4.2: the sender learns why in Error Comment (0000,0902).</summary>
    internal StoreOutcome Completed(StoreRequestContext context, StoreInstanceResult result, long bytes, long started)
    {
        if (!result.IsSuccess)
        {
            LogRefused(logger, context.AssociationId, context.SopInstanceUid, result.Status.Code, result.Detail ?? result.ErrorComment ?? string.Empty);
        }

        Report(context, result.Status, bytes, started);
        return new StoreOutcome(result.Status, result.IsSuccess ? null : result.ErrorComment);
    }

    /// <summary>Completing threw (the SCP answers A700): counted as a failed store.</summary>
    internal void Failed(StoreRequestContext context, long bytes, long started) =>
        Report(context, DimseStatus.OutOfResources, bytes, started);

    private void Report(StoreRequestContext context, DimseStatus status, long bytes, long started)
    {
        metrics.StoreCompleted(status.Code, bytes, Stopwatch.GetElapsedTime(started));
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
