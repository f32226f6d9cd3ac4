using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ImagingGateway.Infrastructure.Aws.Tests.Emulators;

/// <summary>
/// Recomputes a SigV4 signature from the request as received, independently of the AWS SDK
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html): canonical request, string to
/// sign, derived key, HMAC-SHA256. Its own correctness is checked against the published get-vanilla vector.
/// </summary>
public static class SigV4Verifier
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    public sealed record Request(
        string Method,
        string RawPath,
        string RawQuery,
        IReadOnlyList<KeyValuePair<string, string>> Headers,
        byte[] Body);

    /// <summary>Null when the Authorization header is a valid signature by <paramref name="secretKey"/>, otherwise why not.</summary>
    public static string? Verify(Request request, string accessKey, string secretKey, string expectedRegion, string expectedService, DateTimeOffset now)
    {
        var authorization = Header(request, "authorization");
        if (authorization is null || !authorization.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            return "no AWS4-HMAC-SHA256 Authorization header";
        }

        var parts = authorization[(Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaders) || !parts.TryGetValue("Signature", out var signature))
        {
            return $"Authorization lacks Credential, SignedHeaders or Signature: {authorization}";
        }

        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[0] != accessKey || scope[2] != expectedRegion || scope[3] != expectedService || scope[4] != "aws4_request")
        {
            return $"credential scope {credential} is not {accessKey}/<date>/{expectedRegion}/{expectedService}/aws4_request";
        }

        var amzDate = Header(request, "x-amz-date");
        if (amzDate is null || !DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            return "x-amz-date is missing or malformed";
        }

        if (!amzDate.StartsWith(scope[1], StringComparison.Ordinal))
        {
            return "the credential date is not the x-amz-date's day";
        }

        if ((now - signedAt).Duration() > TimeSpan.FromMinutes(15))
        {
            return $"signed at {signedAt:o}, more than 15 minutes from now";
        }

        var names = signedHeaders.Split(';');
        if (!names.Contains("host") || !names.Contains("x-amz-date"))
        {
            return $"SignedHeaders {signedHeaders} must include host and x-amz-date";
        }

        var bodyHash = Hex(SHA256.HashData(request.Body));
        var payloadHash = Header(request, "x-amz-content-sha256") ?? bodyHash;
        if (payloadHash != bodyHash)
        {
            return $"x-amz-content-sha256 {payloadHash} is not the body's SHA-256 {bodyHash}";
        }

        var expected = Sign(request, secretKey, scope[1], scope[2], scope[3], amzDate, names, payloadHash);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature))
            ? null
            : $"signature {signature} is not the recomputed {expected}";
    }

    public static string Sign(Request request, string secretKey, string date, string region, string service, string amzDate, IReadOnlyList<string> signedHeaders, string payloadHash)
    {
        var canonical = CanonicalRequest(request, signedHeaders, payloadHash);
        var stringToSign = StringToSign(amzDate, $"{date}/{region}/{service}/aws4_request", canonical);
        var key = Hmac(Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), date), region), service), "aws4_request");
        return Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    public static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";

    public static string CanonicalRequest(Request request, IReadOnlyList<string> signedHeaders, string payloadHash)
    {
        var headers = new StringBuilder();
        foreach (var name in signedHeaders)
        {
            var values = request.Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => Trim(h.Value));
            headers.Append(name).Append(':').Append(string.Join(',', values)).Append('\n');
        }

        return string.Join('\n', request.Method, CanonicalUri(request.RawPath), CanonicalQuery(request.RawQuery), headers.ToString(), string.Join(';', signedHeaders), payloadHash);
    }

    /// <summary>Every service but S3: each segment of the path as sent is URI-encoded once more.</summary>
    public static string CanonicalUri(string rawPath) =>
        string.IsNullOrEmpty(rawPath) ? "/" : string.Join('/', rawPath.Split('/').Select(Encode));

    public static string CanonicalQuery(string rawQuery)
    {
        if (string.IsNullOrEmpty(rawQuery))
        {
            return string.Empty;
        }

        return string.Join('&', rawQuery.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => (Key: Encode(Uri.UnescapeDataString(p[0])), Value: Encode(Uri.UnescapeDataString(p.Length > 1 ? p[1] : string.Empty))))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + p.Value));
    }

    /// <summary>RFC 3986 encoding: unreserved characters stay, everything else is %XX of its UTF-8 bytes (upper-case hex).</summary>
    public static string Encode(string value)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.' or '~')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static string Trim(string value) => string.Join(' ', value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string? Header(Request request, string name) =>
        request.Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}
