namespace ImagingGateway.Dicom.Dictionary;

public enum DicomUidKind
{
    Other,
    SopClass,
    TransferSyntax,
}
