using ImagingGateway.Dicom.Metadata;
using ImagingGateway.Dicom.Network.Dimse;

namespace ImagingGateway.Application.Instances;

/// <summary>Turns a header read into the C-STORE verdict: which status, and why.</summary>
public static class InstanceChecks
{
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
