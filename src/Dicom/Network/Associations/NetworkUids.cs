namespace ImagingGateway.Dicom.Network.Associations;

/// <summary>The few UIDs the network layer itself needs (PS3.6 Annex A).</summary>
public static class NetworkUids
{
    public const string Verification = "1.2.840.10008.1.1";
    public const string ImplicitVrLittleEndian = "1.2.840.10008.1.2";
    public const string ExplicitVrLittleEndian = "1.2.840.10008.1.2.1";
    public const string DeflatedExplicitVrLittleEndian = "1.2.840.10008.1.2.1.99";
    public const string ExplicitVrBigEndian = "1.2.840.10008.1.2.2";

    /// <summary>Storage Commitment Push Model SOP Class and its well-known SOP Instance (PS3.4 J.3, J.3.5).</summary>
    public const string StorageCommitmentPushModel = "1.2.840.10008.1.20.1";
    public const string StorageCommitmentPushModelInstance = "1.2.840.10008.1.20.1.1";

    /// <summary>Our implementation class UID (a UUID-derived UID, PS3.5 B.2) and version name.</summary>
    public const string ImplementationClassUid = "2.25.163782939117353436097318011563457217841";
    public const string ImplementationVersionName = "IMAGINGGW_1";
}
