namespace ImagingGateway.Dicom.Files;

/// <summary>Our implementation identity in file meta information and association negotiation (PS3.7 D.3.3.2).</summary>
public static class DicomImplementation
{
    /// <summary>A UUID-derived UID (PS3.5 B.2), so no registered root is needed.</summary>
    public const string ClassUid = "2.25.202061302730338629090828964764389506989";

    /// <summary>At most 16 characters (SH).</summary>
    public const string VersionName = "IMAGINGGW_1_0";
}
