using System.Diagnostics.CodeAnalysis;
using ImagingGateway.Domain.Common;

namespace ImagingGateway.Domain.Dicom;

/// <summary>
/// A DICOM unique identifier (PS3.5 9.1): 1 to 64 characters, components of digits separated by dots,
/// no empty component and no leading zero in a component of more than one digit.
/// </summary>
public readonly record struct DicomUid
{
    public const int MaxLength = 64;

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
    public static string? Validate(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "a UID must not be empty";
        }

        if (value.Length > MaxLength)
        {
            return $"a UID is at most {MaxLength} characters, this one has {value.Length}";
        }

        var componentStart = 0;
        for (var i = 0; i <= value.Length; i++)
        {
            if (i == value.Length || value[i] == '.')
            {
                var length = i - componentStart;
                if (length == 0)
                {
                    return $"empty component at offset {componentStart}";
                }

                if (length > 1 && value[componentStart] == '0')
                {
                    return $"component at offset {componentStart} has a leading zero";
                }

                componentStart = i + 1;
                continue;
            }

            if (value[i] is < '0' or > '9')
            {
                return $"character '{Printable(value[i])}' at offset {i} is not a digit or '.'";
            }
        }

        return null;
    }

    public override string ToString() => Value ?? string.Empty;

    private static string Printable(char c) => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString();
}
