using ImagingGateway.Dicom.Dictionary;

namespace ImagingGateway.Dicom.Reading;

/// <summary>Why input is not a valid data set: what, the byte offset (from the start of the input) and the tag involved.</summary>
public sealed record DicomReadError(string Message, long Offset, DicomTag? Tag = null)
{
    public override string ToString() =>
        Tag is { } tag ? $"{Message} (tag {tag}, offset {Offset})" : $"{Message} (offset {Offset})";
}
