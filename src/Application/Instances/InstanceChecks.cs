using ImagingGateway.Dicom.Metadata;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Reading;
using ImagingGateway.Domain.Dicom;
using DicomTag = ImagingGateway.Dicom.Dictionary.DicomTag;

namespace ImagingGateway.Application.Instances;

/// <summary>Turns a header read into the C-STORE verdict: which status, and why.</summary>
public static class InstanceChecks
{
    /// <summary>The header (up to Series Instance UID) must be within the data set's first bytes.</summary>
    public const int MaxHeaderBytes = 8 << 20;

    /// <summary>Read up to and including Series Instance UID (0020,000E): all that storing needs; long values are skipped.</summary>
    public static ReadOptions HeaderOptions { get; } = new() { StopAtTag = new DicomTag(0x0020, 0x000F), SkipValuesLongerThan = InstanceHeaderReader.MaxHeldValueBytes };

    /// <summary>Null when the header is fit to store for this command, else the failure status and its detail.</summary>
    public static (DimseStatus Status, string Detail)? Check(HeaderReadResult read, string sopClassUid, string sopInstanceUid)
    {
        if (read.Status != HeaderReadStatus.Completed || read.Header is null)
        {
            return (DimseStatus.CannotUnderstand, $"data set cannot be parsed: {read.Error?.ToString() ?? "no header"}");
        }

        var missing = InstanceValidator.Validate(read.Header);
        if (missing.Count > 0)
        {
            return (DimseStatus.CannotUnderstand, string.Join("; ", missing.Select(e => e.Message)));
        }

        // The domain's UID rule builds keys and records from these; hold them to it as well.
        foreach (var (name, uid) in new[] { ("SOP Class UID", read.Header.SopClassUid), ("SOP Instance UID", read.Header.SopInstanceUid), ("Study Instance UID", read.Header.StudyInstanceUid), ("Series Instance UID", read.Header.SeriesInstanceUid) })
        {
            if (DicomUid.Validate(uid) is { } problem)
            {
                return (DimseStatus.CannotUnderstand, $"{name} '{uid}' is invalid: {problem}");
            }
        }

        var mismatched = InstanceValidator.Validate(read.Header, null, sopClassUid, sopInstanceUid);
        if (mismatched.Count > 0)
        {
            return (DimseStatus.DataSetDoesNotMatchSopClass, string.Join("; ", mismatched.Select(e => e.Message)));
        }

        return null;
    }

    /// <summary>Study Date (DA, YYYYMMDD) when it is one; a malformed date is dropped rather than failing the store.</summary>
    public static string? StudyDateOrNull(string? value)
    {
        var trimmed = value?.Trim();
        return trimmed is { Length: 8 } && trimmed.All(char.IsAsciiDigit) ? trimmed : null;
    }
}
