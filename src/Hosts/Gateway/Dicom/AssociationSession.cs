using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Dimse.Store;
using ImagingGateway.Dicom.Network.Pdus;
using ImagingGateway.Dicom.Network.Server;
using ImagingGateway.Dicom.Values;
using ImagingGateway.Gateway.Observability;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>
/// The application side of one association (one per connection): admission, C-STORE into the store use case
/// through <see cref="StoreBridge"/>, storage commitment requests through <see cref="CommitmentBridge"/>, and closing the association's batches when it ends, however it ends. The
/// connection stops being pending, and takes an association slot, only when its A-ASSOCIATE-RQ arrives.
/// </summary>
public sealed partial class AssociationSession(StoreBridge bridge, CommitmentBridge commitments, AssociationRegistry registry, IDisposable pendingPlace, GatewayStats stats, GatewayMetrics metrics, ILogger logger) : IDicomServiceProvider
{
    private bool _accepted;
    private bool _admitted;

    public AssociationDecision OnAssociationRequested(AssociateRequestPdu request, TransportInfo transport)
    {
        pendingPlace.Dispose();
        _admitted = registry.TryEnter();
        if (!_admitted)
        {
            // PS3.8 9.3.4: rejected-transient, service-provider (presentation), local limit exceeded: try later.
            metrics.AssociationRejected();
            LogRejected(logger, transport.ConnectionId, DicomAeTitleRules.Printable(request.CallingAeTitle));
            return AssociationDecision.Reject(AssociateRejectResult.RejectedTransient, AssociateRejectSource.ServiceProviderPresentation, AssociateRejectReason.LocalLimitExceeded);
        }

        _accepted = true;
        stats.AssociationOpened();
        metrics.AssociationAccepted();
        LogAccepted(logger, transport.ConnectionId, DicomAeTitleRules.Printable(request.CallingAeTitle), DicomAeTitleRules.Printable(request.CalledAeTitle), transport.RemoteEndPoint?.ToString());
        return AssociationDecision.Accept;
    }

    public ValueTask<IStoreInstanceSink> BeginStoreAsync(StoreRequestContext context, CancellationToken cancellationToken) =>
        bridge.BeginAsync(context, cancellationToken);

    public ValueTask<DimseStatus> OnStorageCommitmentRequestedAsync(StorageCommitmentRequestContext context, CancellationToken cancellationToken) =>
        commitments.RequestAsync(context, cancellationToken);

    public async ValueTask OnAssociationReleasedAsync(AssociationInfo association, CancellationToken cancellationToken)
    {
        Ended(aborted: false);
        LogReleased(logger, association.AssociationId);
        await bridge.CloseAssociationAsync(association.AssociationId, "released", cancellationToken);
    }

    public async ValueTask OnAssociationAbortedAsync(AssociationInfo association, AssociationAbortInfo abort, CancellationToken cancellationToken)
    {
        Ended(aborted: true);
        LogAbortedAssociation(logger, association.AssociationId, abort.Source.ToString(), abort.Reason.ToString(), abort.Detail);
        await bridge.CloseAssociationAsync(association.AssociationId, "aborted: " + abort.Detail, cancellationToken);
    }

    /// <summary>The connection ended: gives back its pending place or its association slot, whichever it held.</summary>
    public void End()
    {
        pendingPlace.Dispose();
        if (_admitted)
        {
            _admitted = false;
            registry.Exit();
        }
    }

    private void Ended(bool aborted)
    {
        if (_accepted)
        {
            _accepted = false;
            stats.AssociationClosed();
            metrics.AssociationEnded(aborted);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Association {AssociationId} accepted: {CallingAe} -> {CalledAe} from {Remote}")]
    private static partial void LogAccepted(ILogger logger, string associationId, string callingAe, string calledAe, string? remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Association {AssociationId} from {CallingAe} rejected: the maximum number of associations is reached (Gateway:MaxAssociations)")]
    private static partial void LogRejected(ILogger logger, string associationId, string callingAe);

    [LoggerMessage(Level = LogLevel.Information, Message = "Association {AssociationId} released")]
    private static partial void LogReleased(ILogger logger, string associationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Association {AssociationId} aborted ({Source}, {Reason}): {Detail}")]
    private static partial void LogAbortedAssociation(ILogger logger, string associationId, string source, string reason, string detail);
}
