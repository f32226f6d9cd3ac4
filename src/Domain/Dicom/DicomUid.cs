using System.Diagnostics.CodeAnalysis;
using ImagingGateway.Dicom.Values;
using ImagingGateway.Domain.Common;

namespace ImagingGateway.Domain.Dicom;

/// <summary>
/// A DICOM unique identifier (PS3.5 9.1) that has passed <see cref="DicomUidRules"/>, so it is safe in an object key.
/// The grammar itself lives in the toolkit, next to the readers that also apply it, so a header is judged by one rule.
/// </summary>
public readonly record struct DicomUid
{
    public const int MaxLength = DicomUidRules.MaxLength;

    private DicomUid(string value) => Value = value;

    public string Value { get; }

    public static DicomUid Parse(string? value, string field = "uid")
    {
        if (!TryParse(value, out var uid, out var error))
        {
            throw new DomainException($"{field}: {error}", field);
        }

        return uid;
    }

    public static bool TryParse(string? value, out DicomUid uid, [NotNullWhen(false)] out string? error)
    {
        uid = default;
        error = Validate(value);
        if (error is not null)
        {
            return false;
        }

        uid = new DicomUid(value!);
        return true;
    }

    public static bool IsValid(string? value) => Validate(value) is null;

    /// <summary>Returns null when <paramref name="value"/> is a valid UID, otherwise why it is not.</summary>
    public static string? Validate(string? value) => DicomUidRules.Validate(value);

    public override string ToString() => Value ?? string.Empty;
}
