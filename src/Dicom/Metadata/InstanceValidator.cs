using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Reading;
using ImagingGateway.Dicom.Values;

namespace ImagingGateway.Dicom.Metadata;

/// <summary>
/// Checks what the pipeline needs of every stored instance: the four identifying UIDs present and well formed
/// (PS3.5 9.1), the file meta information agreeing with the data set (PS3.10 7.1), and, for a C-STORE, the data set
/// agreeing with the command's Affected SOP Class and Instance UIDs (PS3.4 B.2.3).
/// </summary>
public static class InstanceValidator
{
    public static IReadOnlyList<DicomReadError> Validate(
        InstanceHeader header,
        DicomFileMetaInformation? meta = null,
        string? expectedSopClassUid = null,
        string? expectedSopInstanceUid = null)
    {
        var errors = new List<DicomReadError>();
        RequireUid(errors, header, DicomTags.SOPClassUID, "SOP Class UID", header.SopClassUid);
        RequireUid(errors, header, DicomTags.SOPInstanceUID, "SOP Instance UID", header.SopInstanceUid);
        RequireUid(errors, header, DicomTags.StudyInstanceUID, "Study Instance UID", header.StudyInstanceUid);
        RequireUid(errors, header, DicomTags.SeriesInstanceUID, "Series Instance UID", header.SeriesInstanceUid);

        if (meta is not null)
        {
            Match(errors, header, DicomTags.SOPClassUID, header.SopClassUid, meta.MediaStorageSopClassUid, "Media Storage SOP Class UID (0002,0002) of the file meta information");
            Match(errors, header, DicomTags.SOPInstanceUID, header.SopInstanceUid, meta.MediaStorageSopInstanceUid, "Media Storage SOP Instance UID (0002,0003) of the file meta information");
        }

        if (expectedSopClassUid is not null)
        {
            Match(errors, header, DicomTags.SOPClassUID, header.SopClassUid, expectedSopClassUid, "Affected SOP Class UID of the C-STORE request");
        }

        if (expectedSopInstanceUid is not null)
        {
            Match(errors, header, DicomTags.SOPInstanceUID, header.SopInstanceUid, expectedSopInstanceUid, "Affected SOP Instance UID of the C-STORE request");
        }

        return errors;
    }

    private static void RequireUid(List<DicomReadError> errors, InstanceHeader header, DicomTag tag, string name, string? value)
    {
        if (value is null)
        {
            errors.Add(new DicomReadError($"{name} {tag} is missing", header.EndOffset, tag));
            return;
        }

        if (DicomUidRules.Validate(value) is { } problem)
        {
            errors.Add(new DicomReadError($"{name} '{value}' is invalid: {problem}", header.OffsetOf(tag), tag));
        }
    }

    private static void Match(List<DicomReadError> errors, InstanceHeader header, DicomTag tag, string? actual, string expected, string what)
    {
        if (actual is not null && !string.Equals(actual, expected, StringComparison.Ordinal))
        {
            errors.Add(new DicomReadError($"{tag} '{actual}' does not match the {what} '{expected}'", header.OffsetOf(tag), tag));
        }
    }
}
