using System.Net;
using System.Text.Json;

namespace ImagingGateway.Infrastructure.Aws.Common;

/// <summary>
/// Reads the error of a restJson1 / awsJson1_0 response: the code comes from the <c>X-Amzn-ErrorType</c> header or the
/// body's <c>__type</c> / <c>code</c>, stripped of any namespace (<c>aws.protocols#X</c>) and suffix (<c>X:http://…</c>);
/// the message from <c>message</c> or <c>Message</c>.
/// </summary>
public static class AwsErrorReader
{
    public static async Task<AwsServiceException> ReadAsync(string service, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? code = null;
        if (response.Headers.TryGetValues("X-Amzn-ErrorType", out var values))
        {
            code = values.FirstOrDefault();
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        string? message = null;
        try
        {
            if (body.Length > 0)
            {
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                {
                    code ??= String(doc.RootElement, "__type") ?? String(doc.RootElement, "code");
                    message = String(doc.RootElement, "message") ?? String(doc.RootElement, "Message");
                }
            }
        }
        catch (JsonException)
        {
            // A proxy or load balancer answered: keep the status code, say what came back.
            message = System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 512));
        }

        return new AwsServiceException(
            service,
            Normalize(code) ?? DefaultCode(response.StatusCode),
            message ?? response.ReasonPhrase ?? string.Empty,
            response.StatusCode);
    }

    public static string? Normalize(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }

        var colon = code.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            code = code[..colon];
        }

        var hash = code.LastIndexOf('#');
        return hash >= 0 ? code[(hash + 1)..] : code;
    }

    private static string DefaultCode(HttpStatusCode status) => (int)status >= 500 ? "InternalServerException" : "UnknownError";

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
