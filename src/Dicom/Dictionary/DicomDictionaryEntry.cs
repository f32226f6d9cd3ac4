namespace ImagingGateway.Dicom.Dictionary;

/// <summary>One data element of PS3.6: tag, VR (and an alternative VR such as SS for "US or SS"), keyword, VM, retired.</summary>
public sealed record DicomDictionaryEntry(
    DicomTag Tag,
    DicomVr Vr,
    DicomVr AlternativeVr,
    string Keyword,
    string ValueMultiplicity,
    bool IsRetired);
