using ImagingGateway.Application.Batches.CloseAssociationBatches;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Dimse.Store;
using ImagingGateway.Gateway.Observability;
using Mediator;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>
/// Translates SCP events into use cases: a C-STORE becomes a StoreInstance command reading the data set from a
/// <see cref="PipeStoreSink"/>; the end of an association becomes CloseAssociationBatches.
/// </summary>
public sealed partial class StoreBridge(ISender sender, GatewayStats stats, GatewayMetrics metrics, ILogger<StoreBridge> logger)
{
    public IStoreInstanceSink Begin(StoreRequestContext context, CancellationToken cancellationToken) =>
        new PipeStoreSink(
            (content, ct) => StoreAsync(context, content, ct),
            PipeStoreSink.DefaultPipeOptions,
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

    private Task<DimseStatus> StoreAsync(StoreRequestContext context, Stream content, CancellationToken cancellationToken)
    {
        _ = context;
        _ = content;
        _ = cancellationToken;
        throw new NotSupportedException("the StoreInstance use case is not merged yet");
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
}
