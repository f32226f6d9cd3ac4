namespace ImagingGateway.Dicom.Network.Dimse.Commitment;

/// <summary>One item of the Failed SOP Sequence (0008,1198), with its Failure Reason (0008,1197) (PS3.4 J.3.3.1.1).</summary>
public sealed record FailedSop(string SopClassUid, string SopInstanceUid, ushort FailureReason);
