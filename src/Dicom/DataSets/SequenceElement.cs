using ImagingGateway.Dicom.Dictionary;

namespace ImagingGateway.Dicom.DataSets;

/// <summary>A sequence of items (PS3.5 7.5); each item is a nested data set.</summary>
public sealed class SequenceElement(DicomTag tag, bool hasUndefinedLength, DicomVr vr = DicomVr.SQ) : DataElement(tag, vr)
{
    public List<DataSet> Items { get; } = [];

    /// <summary>True when the sequence was encoded with undefined length and a Sequence Delimitation Item.</summary>
    public bool HasUndefinedLength { get; } = hasUndefinedLength;
}
