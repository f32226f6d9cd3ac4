namespace ImagingGateway.Dicom.Network.Dimse.Commitment;

/// <summary>Failure Reason (0008,1197) values a storage commitment report may carry (PS3.3 C.14.1.1).</summary>
public static class StorageCommitmentFailureReason
{
    /// <summary>A general failure in processing the operation.</summary>
    public const ushort ProcessingFailure = 0x0110;

    /// <summary>The referenced SOP instance is not known to the SCP (never received).</summary>
    public const ushort NoSuchObjectInstance = 0x0112;

    /// <summary>The SCP does not currently have enough resources to store the instance.</summary>
    public const ushort ResourceLimitation = 0x0213;

    /// <summary>The referenced SOP class is not supported by the SCP.</summary>
    public const ushort ReferencedSopClassNotSupported = 0x0122;

    /// <summary>The referenced SOP class differs from the class of the instance the SCP holds.</summary>
    public const ushort ClassInstanceConflict = 0x0119;

    /// <summary>The Transaction UID is already in use for another request.</summary>
    public const ushort DuplicateTransactionUid = 0x0131;

    /// <summary>A short description for logs and the sender's console.</summary>
    public static string Describe(ushort reason) => reason switch
    {
        ProcessingFailure => "processing failure",
        NoSuchObjectInstance => "no such object instance",
        ResourceLimitation => "resource limitation",
        ReferencedSopClassNotSupported => "referenced SOP class not supported",
        ClassInstanceConflict => "class / instance conflict",
        DuplicateTransactionUid => "duplicate transaction UID",
        _ => "unknown reason",
    };
}
