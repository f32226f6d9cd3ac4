namespace ImagingGateway.Infrastructure.Local.FileSystem;

/// <summary>
/// The keys the file system store accepts: relative paths of segments made of <c>[A-Za-z0-9._-]</c>, separated by
/// single '/', no segment starting with '.' (so no "." or "..", and nothing can reach the private <c>.incoming/</c>
/// folder), no backslash, no absolute path. A key that passes can never name a file outside the root.
/// </summary>
public static class ObjectKeyValidator
{
    public const int MaxKeyLength = 1024;

    /// <summary>Returns null when <paramref name="key"/> is a valid object key, otherwise why it is not.</summary>
    public static string? Validate(string? key) => ValidateCore(key, isPrefix: false);

    /// <summary>
    /// A listing prefix: empty, or a key, or a key's beginning (its last segment may be partial or empty, so
    /// <c>dicom/2026/</c> and <c>dicom/20</c> are both prefixes).
    /// </summary>
    public static string? ValidatePrefix(string? prefix) => ValidateCore(prefix, isPrefix: true);

    public static void EnsureValid(string? key, string paramName = "key")
    {
        var error = Validate(key);
        if (error is not null)
        {
            throw new ArgumentException($"object key '{key}' is not allowed: {error}", paramName);
        }
    }

    public static void EnsureValidPrefix(string? prefix, string paramName = "prefix")
    {
        var error = ValidatePrefix(prefix);
        if (error is not null)
        {
            throw new ArgumentException($"key prefix '{prefix}' is not allowed: {error}", paramName);
        }
    }

    private static string? ValidateCore(string? key, bool isPrefix)
    {
        if (key is null)
        {
            return "it is null";
        }

        if (key.Length == 0)
        {
            return isPrefix ? null : "it is empty";
        }

        if (key.Length > MaxKeyLength)
        {
            return $"it is longer than {MaxKeyLength} characters";
        }

        if (key[0] == '/')
        {
            return "it is absolute (starts with '/')";
        }

        if (!isPrefix && key[^1] == '/')
        {
            return "it ends with '/' (that names a folder, not an object)";
        }

        var segmentStart = 0;
        for (var i = 0; i <= key.Length; i++)
        {
            if (i == key.Length || key[i] == '/')
            {
                var length = i - segmentStart;
                var isLast = i == key.Length;
                if (length == 0 && !(isPrefix && isLast))
                {
                    return $"empty segment at offset {segmentStart}";
                }

                if (length > 0 && key[segmentStart] == '.')
                {
                    return $"segment at offset {segmentStart} starts with '.'";
                }

                segmentStart = i + 1;
                continue;
            }

            var c = key[i];
            var allowed = c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-';
            if (!allowed)
            {
                return c == '\\'
                    ? $"backslash at offset {i}"
                    : $"character U+{(int)c:X4} at offset {i} is not one of [A-Za-z0-9._-/]";
            }
        }

        return null;
    }
}
