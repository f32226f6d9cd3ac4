using ImagingGateway.Dicom.Dictionary;

namespace ImagingGateway.Dicom.DataSets;

/// <summary>
/// Encapsulated pixel data (PS3.5 A.4): the Basic Offset Table (first item, possibly empty) then the fragments of the
/// compressed frames, never decoded.
/// </summary>
public sealed class FragmentsElement(DicomTag tag, DicomVr vr) : DataElement(tag, vr)
{
    /// <summary>Every item in order; the first is the Basic Offset Table.</summary>
    public List<ReadOnlyMemory<byte>> Items { get; } = [];

    public ReadOnlyMemory<byte> BasicOffsetTable => Items.Count > 0 ? Items[0] : ReadOnlyMemory<byte>.Empty;

    public IEnumerable<ReadOnlyMemory<byte>> Fragments => Items.Skip(1);
}
