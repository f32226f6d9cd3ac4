using System.Diagnostics.CodeAnalysis;
using ImagingGateway.Domain.Common;

namespace ImagingGateway.Domain.Dicom;

/// <summary>
/// An application entity title (PS3.5 6.2, VR AE): 1 to 16 characters of the default repertoire, no backslash,
/// no control characters, not all spaces. Leading and trailing spaces are not significant and are trimmed.
/// </summary>
public readonly record struct AeTitle
{
    public const int MaxLength = 16;

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

    public static string? Validate(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "an AE title must not be empty";
        }

        if (value.Length > MaxLength)
        {
            return $"an AE title is at most {MaxLength} characters, this one has {value.Length}";
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\\')
            {
                return $"backslash at offset {i} is not allowed in an AE title";
            }

            if (c < 0x20 || c > 0x7E)
            {
                return $"character U+{(int)c:X4} at offset {i} is not allowed in an AE title";
            }
        }

        if (value.Trim(' ').Length == 0)
        {
            return "an AE title must not be all spaces";
        }

        return null;
    }

    public override string ToString() => Value ?? string.Empty;
}
