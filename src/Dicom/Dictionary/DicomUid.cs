namespace ImagingGateway.Dicom.Dictionary;

/// <summary>A registered UID of PS3.6 Annex A.</summary>
public sealed record DicomUid(string Value, string Name, string Keyword, DicomUidKind Kind, bool IsRetired)
{
    public override string ToString() => Value;
}
