namespace ImagingGateway.Dicom.Values;

/// <summary>
/// The AE value representation (PS3.5 6.2): at most 16 characters of the default repertoire, no backslash, no control
/// characters, and not all spaces (leading and trailing spaces are not significant).
/// </summary>
public static class DicomAeTitleRules
{
    public const int MaxLength = 16;

    public static bool IsValid(string? value) => Validate(value) is null;

    /// <summary>Null when valid; otherwise what is wrong and where, without repeating the offending characters.</summary>
    public static string? Validate(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "AE title is empty";
        }

        if (value.Length > MaxLength)
        {
            return $"AE title is {value.Length} characters long, more than {MaxLength}";
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\\' || c < 0x20 || c > 0x7E)
            {
                return $"AE title has character U+{(int)c:X4} at offset {i}, outside the default repertoire";
            }
        }

        return value.AsSpan().Trim(' ').IsEmpty ? "AE title is all spaces" : null;
    }

    /// <summary>
    /// The title as it may be written to a log: each character outside printable ASCII (or a backslash) becomes
    /// <c>\xNN</c>, so a peer cannot forge log lines or terminal escapes.
    /// </summary>
    public static string Printable(string? value)
    {
        if (value is null)
        {
            return string.Empty;
        }

        var clean = true;
        foreach (var c in value)
        {
            clean &= c is >= ' ' and <= '~' and not '\\';
        }

        if (clean)
        {
            return value;
        }

        var builder = new System.Text.StringBuilder(value.Length * 2);
        foreach (var c in value)
        {
            if (c is >= ' ' and <= '~' and not '\\')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{(int)c:X2}");
            }
        }

        return builder.ToString();
    }
}
