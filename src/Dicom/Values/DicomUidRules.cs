namespace ImagingGateway.Dicom.Values;

/// <summary>
/// The UID grammar of PS3.5 9.1: at most 64 characters, components of digits separated by '.', no empty component,
/// no leading zero in a component other than "0" itself.
/// </summary>
public static class DicomUidRules
{
    public const int MaxLength = 64;

    public static bool IsValid(string? uid) => uid is not null && Validate(uid.AsSpan()) is null;

    public static bool IsValid(ReadOnlySpan<char> uid) => Validate(uid) is null;

    /// <summary>Null when valid; otherwise what is wrong and where (character position).</summary>
    public static string? Validate(string? uid) => uid is null ? "UID is missing" : Validate(uid.AsSpan());

    /// <summary>Null when valid; otherwise what is wrong and where (character position).</summary>
    public static string? Validate(ReadOnlySpan<char> uid)
    {
        if (uid.IsEmpty)
        {
            return "UID is empty";
        }

        if (uid.Length > MaxLength)
        {
            return $"UID is {uid.Length} characters long, more than {MaxLength}";
        }

        var componentStart = 0;
        for (var i = 0; i <= uid.Length; i++)
        {
            if (i == uid.Length || uid[i] == '.')
            {
                var length = i - componentStart;
                if (length == 0)
                {
                    return $"UID has an empty component at position {i}";
                }

                if (length > 1 && uid[componentStart] == '0')
                {
                    return $"UID component at position {componentStart} has a leading zero";
                }

                componentStart = i + 1;
                continue;
            }

            var c = uid[i];
            if (!char.IsAsciiDigit(c))
            {
                return c is ' ' or '\0'
                    ? $"UID has padding inside the value at position {i}"
                    : $"UID has an invalid character '{Printable(c)}' at position {i}";
            }
        }

        return null;
    }

    /// <summary>A UID value from its raw bytes: trailing NUL (and, tolerated, space) padding removed (PS3.5 9.1).</summary>
    public static string FromBytes(ReadOnlySpan<byte> value)
    {
        var end = value.Length;
        while (end > 0 && (value[end - 1] == 0 || value[end - 1] == (byte)' '))
        {
            end--;
        }

        return System.Text.Encoding.ASCII.GetString(value[..end]);
    }

    private static string Printable(char c) => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString();
}
