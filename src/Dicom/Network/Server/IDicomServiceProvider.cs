using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Dimse.Store;
using ImagingGateway.Dicom.Network.Pdus;

namespace ImagingGateway.Dicom.Network.Server;

/// <summary>The application side of the SCP. C-ECHO is answered by the toolkit; C-STORE data sets go to a sink.</summary>
public interface IDicomServiceProvider
{
    /// <summary>
    /// Called after the <see cref="AssociationPolicy"/> accepted the request (AE titles, application context), to let the
    /// application reject it too (e.g. transient rejection when overloaded).
    /// </summary>
    AssociationDecision OnAssociationRequested(AssociateRequestPdu request, TransportInfo transport);

    /// <summary>Opens the sink for one instance. Throwing here answers the C-STORE with A700 and keeps the association.</summary>
    ValueTask<IStoreInstanceSink> BeginStoreAsync(StoreRequestContext context, CancellationToken cancellationToken);

    /// <summary>
    /// A storage commitment request (N-ACTION-RQ, action type 1, PS3.4 J.3.2) arrived on a Storage Commitment Push Model
    /// context; the returned status answers it in the N-ACTION-RSP. The result is reported later, through the context's
    /// channel or on a new association. A provider that does not offer the service answers 0x0118 (no such SOP class).
    /// </summary>
    ValueTask<DimseStatus> OnStorageCommitmentRequestedAsync(StorageCommitmentRequestContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(DimseStatus.NoSuchSopClass);

    /// <summary>The association ended with an orderly A-RELEASE.</summary>
    ValueTask OnAssociationReleasedAsync(AssociationInfo association, CancellationToken cancellationToken);

    /// <summary>The association ended any other way: A-ABORT from either side, lost transport, timeout, protocol error.</summary>
    ValueTask OnAssociationAbortedAsync(AssociationInfo association, AssociationAbortInfo abort, CancellationToken cancellationToken);
}
