namespace ImagingGateway.Dicom.Network.Dimse.Commitment;

/// <summary>One item of the Referenced SOP Sequence (0008,1199): Referenced SOP Class and Instance UID (PS3.4 J.3.2.1.1).</summary>
public sealed record ReferencedSop(string SopClassUid, string SopInstanceUid);
