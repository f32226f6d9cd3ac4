using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Dimse.Commitment;

namespace ImagingGateway.Dicom.Network.Server;

/// <summary>A storage commitment request received on an association (PS3.4 J.3.2), and the way back to its sender.</summary>
public sealed record StorageCommitmentRequestContext(AssociationInfo Association, StorageCommitmentRequest Request, IEventReportChannel Channel);
