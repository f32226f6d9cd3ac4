using ImagingGateway.Dicom.Dictionary;

namespace ImagingGateway.Dicom.DataSets;

/// <summary>An element with a value of defined length, kept as its raw bytes in the byte order it was read in.</summary>
public sealed class ValueElement(DicomTag tag, DicomVr vr, ReadOnlyMemory<byte> value, bool isLittleEndian = true)
    : DataElement(tag, vr)
{
    public ReadOnlyMemory<byte> Value { get; } = value;

    public bool IsLittleEndian { get; } = isLittleEndian;

    public int Length => Value.Length;
}
