using ImagingGateway.Dicom.Dictionary;

namespace ImagingGateway.Dicom.DataSets;

/// <summary>One data element of a data set (PS3.5 7.1): a value, a sequence of items, or encapsulated fragments.</summary>
public abstract class DataElement(DicomTag tag, DicomVr vr)
{
    public DicomTag Tag { get; } = tag;

    public DicomVr Vr { get; } = vr;

    public override string ToString() => $"{Tag} {Vr.Code()}";
}
