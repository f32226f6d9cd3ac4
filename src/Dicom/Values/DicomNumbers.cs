using System.Globalization;

namespace ImagingGateway.Dicom.Values;

/// <summary>Integer String (IS) and Decimal String (DS) values, PS3.5 6.2.</summary>
public static class DicomNumbers
{
    /// <summary>IS: optional sign and digits, at most 12 characters, within -2^31..2^31-1; surrounding spaces allowed.</summary>
    public static bool TryParseIntegerString(string? text, out long value)
    {
        value = 0;
        if (text is null)
        {
            return false;
        }

        var s = text.AsSpan().Trim(' ');
        return s.Length is > 0 and <= 12
            && long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value)
            && value is >= int.MinValue and <= int.MaxValue;
    }

    /// <summary>DS: a fixed or floating point number, at most 16 characters (PS3.5 6.2).</summary>
    public static bool TryParseDecimalString(string? text, out double value)
    {
        value = 0;
        if (text is null)
        {
            return false;
        }

        var s = text.AsSpan().Trim(' ');
        return s.Length is > 0 and <= 16
            && double.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value);
    }

    /// <summary>Error text for an IS value, or null when valid.</summary>
    public static string? ValidateIntegerString(string text) =>
        TryParseIntegerString(text, out _) ? null : $"'{text}' is not a valid IS (integer string)";

    /// <summary>Error text for a DS value, or null when valid.</summary>
    public static string? ValidateDecimalString(string text) =>
        TryParseDecimalString(text, out _) ? null : $"'{text}' is not a valid DS (decimal string)";
}
