using ImagingGateway.Dicom.Dictionary;

namespace ImagingGateway.Dicom.Files;

/// <summary>
/// File Meta Information of a Part 10 file (PS3.10 7.1): group 0002, always Explicit VR Little Endian, after the
/// 128-byte preamble and "DICM".
/// </summary>
public sealed record DicomFileMetaInformation
{
    public required string MediaStorageSopClassUid { get; init; }

    public required string MediaStorageSopInstanceUid { get; init; }

    public required string TransferSyntaxUid { get; init; }

    public string ImplementationClassUid { get; init; } = DicomImplementation.ClassUid;

    public string? ImplementationVersionName { get; init; } = DicomImplementation.VersionName;

    public string? SourceApplicationEntityTitle { get; init; }

    public string? SendingApplicationEntityTitle { get; init; }

    public string? ReceivingApplicationEntityTitle { get; init; }

    /// <summary>(0002,0001), normally 00 01.</summary>
    public ReadOnlyMemory<byte> FileMetaInformationVersion { get; init; } = new byte[] { 0x00, 0x01 };

    /// <summary>Value of (0002,0000) as read, or null when absent.</summary>
    public uint? GroupLength { get; init; }

    /// <summary>Byte offset of the first byte of the data set in the file (after the meta group).</summary>
    public long DataSetOffset { get; init; }

    /// <summary>True when the file had the 128-byte preamble and "DICM".</summary>
    public bool HasPreamble { get; init; }

    public TransferSyntax TransferSyntax => TransferSyntax.Lookup(TransferSyntaxUid);

    public static DicomFileMetaInformation Create(string sopClassUid, string sopInstanceUid, string transferSyntaxUid, string? sourceAeTitle = null) =>
        new()
        {
            MediaStorageSopClassUid = sopClassUid,
            MediaStorageSopInstanceUid = sopInstanceUid,
            TransferSyntaxUid = transferSyntaxUid,
            SourceApplicationEntityTitle = sourceAeTitle,
        };
}
