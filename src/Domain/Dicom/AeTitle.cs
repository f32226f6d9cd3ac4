using System.Diagnostics.CodeAnalysis;
using ImagingGateway.Dicom.Values;
using ImagingGateway.Domain.Common;

namespace ImagingGateway.Domain.Dicom;

/// <summary>
/// An application entity title (PS3.5 6.2, VR AE) that has passed <see cref="DicomAeTitleRules"/>, trimmed of the
/// leading and trailing spaces that are not significant. The grammar lives in the toolkit, the one home of VR rules.
/// </summary>
public readonly record struct AeTitle
{
    public const int MaxLength = DicomAeTitleRules.MaxLength;

    private AeTitle(string value) => Value = value;

    public string Value { get; }

    public static AeTitle Parse(string? value, string field = "aeTitle")
    {
        if (!TryParse(value, out var title, out var error))
        {
            throw new DomainException($"{field}: {error}", field);
        }

        return title;
    }

    public static bool TryParse(string? value, out AeTitle title, [NotNullWhen(false)] out string? error)
    {
        title = default;
        error = Validate(value);
        if (error is not null)
        {
            return false;
        }

        title = new AeTitle(value!.Trim(' '));
        return true;
    }

    public static bool IsValid(string? value) => Validate(value) is null;

    /// <summary>Returns null when <paramref name="value"/> is a valid AE title, otherwise why it is not.</summary>
    public static string? Validate(string? value) => DicomAeTitleRules.Validate(value);

    public override string ToString() => Value ?? string.Empty;
}
