using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Reading;

namespace ImagingGateway.Dicom.Metadata;

public enum HeaderReadStatus
{
    /// <summary>The header was read (up to Pixel Data or the end of the data).</summary>
    Completed,

    /// <summary>The prefix ends before the header does; call again with more bytes.</summary>
    NeedMoreData,

    /// <summary>The data is not a valid data set; see <see cref="HeaderReadResult.Error"/>.</summary>
    Invalid,
}

/// <summary>Result of <see cref="InstanceHeaderReader"/>: a header, a request for more bytes, or a precise error.</summary>
public sealed record HeaderReadResult(
    HeaderReadStatus Status,
    InstanceHeader? Header,
    DicomFileMetaInformation? Meta,
    DicomReadError? Error);
