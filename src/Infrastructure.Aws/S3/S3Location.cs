namespace ImagingGateway.Infrastructure.Aws.S3;

/// <summary>Parses <c>s3://bucket/key-or-prefix</c>.</summary>
public static class S3Location
{
    public static (string Bucket, string Key) Parse(string uri)
    {
        const string scheme = "s3://";
        if (!uri.StartsWith(scheme, StringComparison.Ordinal) || uri.Length == scheme.Length)
        {
            throw new FormatException($"'{uri}' is not an s3:// URI");
        }

        var rest = uri[scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (rest, string.Empty) : (rest[..slash], rest[(slash + 1)..]);
    }
}
