using ImagingGateway.Dicom.Network.Associations;
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

    /// <summary>The association ended with an orderly A-RELEASE.</summary>
    ValueTask OnAssociationReleasedAsync(AssociationInfo association, CancellationToken cancellationToken);

    /// <summary>The association ended any other way: A-ABORT from either side, lost transport, timeout, protocol error.</summary>
    ValueTask OnAssociationAbortedAsync(AssociationInfo association, AssociationAbortInfo abort, CancellationToken cancellationToken);
}
