using ImagingGateway.Dicom.Dictionary;

namespace ImagingGateway.Dicom.Reading;

/// <summary>
/// The header of one data element as read from the wire (PS3.5 7.1): tag, VR (explicit, or implied by the dictionary
/// for implicit VR), value length, and where it sits in the input (absolute byte offsets from the start of the data set).
/// </summary>
public readonly record struct DicomElementHeader(
    DicomTag Tag,
    DicomVr Vr,
    uint Length,
    long Offset,
    long ValueOffset,
    bool IsLittleEndian,
    bool IsExplicitVr,
    int Depth)
{
    /// <summary>The undefined length 0xFFFFFFFF (PS3.5 7.1.1).</summary>
    public const uint UndefinedLength = 0xFFFFFFFF;

    public bool HasUndefinedLength => Length == UndefinedLength;
}
