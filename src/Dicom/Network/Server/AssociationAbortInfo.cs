using ImagingGateway.Dicom.Network.Pdus;

namespace ImagingGateway.Dicom.Network.Server;

/// <summary>Why an association ended abnormally: who aborted, the A-ABORT reason, and a human-readable detail.</summary>
public sealed record AssociationAbortInfo(AbortSource Source, AbortReason Reason, bool ByPeer, string Detail);
