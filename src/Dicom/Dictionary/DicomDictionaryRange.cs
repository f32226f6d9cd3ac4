namespace ImagingGateway.Dicom.Dictionary;

public enum RangeParity
{
    Any,
    Even,
    Odd,
}

/// <summary>A repeating-group entry of PS3.6 such as (60xx,3000) Overlay Data.</summary>
public sealed record DicomDictionaryRange(
    ushort GroupFrom,
    ushort GroupTo,
    RangeParity GroupParity,
    ushort ElementFrom,
    ushort ElementTo,
    RangeParity ElementParity,
    DicomDictionaryEntry Entry)
{
    public bool Matches(DicomTag tag) =>
        InRange(tag.Group, GroupFrom, GroupTo, GroupParity) && InRange(tag.Element, ElementFrom, ElementTo, ElementParity);

    private static bool InRange(ushort value, ushort from, ushort to, RangeParity parity) =>
        value >= from && value <= to && parity switch
        {
            RangeParity.Even => (value & 1) == 0,
            RangeParity.Odd => (value & 1) == 1,
            _ => true,
        };
}
