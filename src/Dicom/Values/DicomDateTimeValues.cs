using System.Globalization;

namespace ImagingGateway.Dicom.Values;

/// <summary>DA, TM and DT values (PS3.5 6.2): parsing with the standard's formats and precise errors.</summary>
public static class DicomDateTimeValues
{
    /// <summary>DA: YYYYMMDD (PS3.5 6.2). Also accepts the ACR-NEMA form YYYY.MM.DD that old files carry.</summary>
    public static bool TryParseDate(string? text, out DateOnly date)
    {
        date = default;
        var s = text?.Trim() ?? string.Empty;
        if (s.Length == 10 && s[4] == '.' && s[7] == '.')
        {
            s = string.Concat(s.AsSpan(0, 4), s.AsSpan(5, 2), s.AsSpan(8, 2));
        }

        return s.Length == 8 && s.All(char.IsAsciiDigit)
            && DateOnly.TryParseExact(s, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    /// <summary>TM: HH[MM[SS[.F{1,6}]]] (PS3.5 6.2); the ACR-NEMA form HH:MM:SS is accepted too.</summary>
    public static bool TryParseTime(string? text, out TimeOnly time)
    {
        time = default;
        var s = (text?.Trim() ?? string.Empty).Replace(":", string.Empty, StringComparison.Ordinal);
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        var main = dot < 0 ? s : s[..dot];
        var fraction = dot < 0 ? string.Empty : s[(dot + 1)..];
        if (main.Length is not (2 or 4 or 6) || !main.All(char.IsAsciiDigit) || fraction.Length > 6 || !fraction.All(char.IsAsciiDigit)
            || (fraction.Length > 0 && main.Length != 6))
        {
            return false;
        }

        var hour = int.Parse(main.AsSpan(0, 2), CultureInfo.InvariantCulture);
        var minute = main.Length >= 4 ? int.Parse(main.AsSpan(2, 2), CultureInfo.InvariantCulture) : 0;
        var second = main.Length >= 6 ? int.Parse(main.AsSpan(4, 2), CultureInfo.InvariantCulture) : 0;
        var micro = fraction.Length > 0 ? int.Parse(fraction.PadRight(6, '0'), CultureInfo.InvariantCulture) : 0;

        // PS3.5 allows a leap second (60); TimeOnly does not, so it is clamped.
        if (hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        time = new TimeOnly(hour, minute, Math.Min(second, 59)).Add(TimeSpan.FromMicroseconds(micro));
        return true;
    }

    /// <summary>DT: YYYY[MM[DD[HH[MM[SS[.F{1,6}]]]]]][&amp;ZZXX] (PS3.5 6.2).</summary>
    public static bool TryParseDateTime(string? text, out DateTimeOffset value, out bool hasOffset)
    {
        value = default;
        hasOffset = false;
        var s = text?.Trim() ?? string.Empty;
        var offset = TimeSpan.Zero;
        var sign = s.IndexOfAny(['+', '-'], 4 > s.Length ? s.Length : 4);
        if (sign >= 0)
        {
            var z = s[(sign + 1)..];
            if (z.Length != 4 || !z.All(char.IsAsciiDigit))
            {
                return false;
            }

            var hours = int.Parse(z.AsSpan(0, 2), CultureInfo.InvariantCulture);
            var minutes = int.Parse(z.AsSpan(2, 2), CultureInfo.InvariantCulture);
            if (hours > 14 || minutes > 59)
            {
                return false;
            }

            offset = new TimeSpan(hours, minutes, 0) * (s[sign] == '-' ? -1 : 1);
            hasOffset = true;
            s = s[..sign];
        }

        var dot = s.IndexOf('.', StringComparison.Ordinal);
        var main = dot < 0 ? s : s[..dot];
        if (main.Length is not (4 or 6 or 8 or 10 or 12 or 14) || !main.All(char.IsAsciiDigit))
        {
            return false;
        }

        if (dot >= 0 && main.Length != 14)
        {
            return false;
        }

        int Part(int start, int fallback) => main.Length > start ? int.Parse(main.AsSpan(start, 2), CultureInfo.InvariantCulture) : fallback;
        var year = int.Parse(main.AsSpan(0, 4), CultureInfo.InvariantCulture);
        var month = Part(4, 1);
        var day = Part(6, 1);
        var hour = Part(8, 0);
        var minute = Part(10, 0);
        var second = Part(12, 0);
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(year, 1), month) || hour > 23 || minute > 59 || second > 60 || year < 1)
        {
            return false;
        }

        var fraction = dot < 0 ? string.Empty : s[(dot + 1)..];
        if (fraction.Length > 6 || !fraction.All(char.IsAsciiDigit))
        {
            return false;
        }

        var micro = fraction.Length > 0 ? int.Parse(fraction.PadRight(6, '0'), CultureInfo.InvariantCulture) : 0;
        value = new DateTimeOffset(year, month, day, hour, minute, Math.Min(second, 59), offset).AddMicroseconds(micro);
        return true;
    }

    public static string? ValidateDate(string text) => TryParseDate(text, out _) ? null : $"'{text}' is not a valid DA (YYYYMMDD)";

    public static string? ValidateTime(string text) => TryParseTime(text, out _) ? null : $"'{text}' is not a valid TM (HHMMSS.FFFFFF)";

    public static string? ValidateDateTime(string text) =>
        TryParseDateTime(text, out _, out _) ? null : $"'{text}' is not a valid DT (YYYYMMDDHHMMSS.FFFFFF&ZZXX)";
}
