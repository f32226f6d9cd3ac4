using ImagingGateway.Dicom.Reading;

namespace ImagingGateway.Dicom.Files;

public enum FileMetaReadStatus
{
    /// <summary>Meta information read; the data set starts at <see cref="DicomFileMetaInformation.DataSetOffset"/>.</summary>
    Completed,

    /// <summary>The input ends inside the preamble or meta group; call again with a longer prefix.</summary>
    NeedMoreData,

    /// <summary>The input is not a Part 10 file or its meta group is broken.</summary>
    Invalid,
}

/// <summary>
/// Result of reading the start of a file. <see cref="Meta"/> is null for a file without meta information (a bare data
/// set, read with the transfer syntax in <see cref="DataSetTransferSyntaxUid"/> guessed from its first element).
/// </summary>
public sealed record FileMetaReadResult(
    FileMetaReadStatus Status,
    DicomFileMetaInformation? Meta,
    long DataSetOffset,
    string? DataSetTransferSyntaxUid,
    DicomReadError? Error);
