using System.Globalization;

namespace ImagingGateway.Infrastructure.Local.Sqlite;

/// <summary>Times are stored as fixed-width ISO 8601 UTC text, so text order is time order.</summary>
internal static class SqliteTime
{
    private const string Pattern = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString(Pattern, CultureInfo.InvariantCulture);

    public static object FormatOrNull(DateTimeOffset? value) => value is { } v ? Format(v) : DBNull.Value;

    public static DateTimeOffset Parse(string value) =>
        new(DateTime.ParseExact(value, Pattern, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);
}
