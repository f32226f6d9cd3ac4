using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace ImagingGateway.Infrastructure.Local.Sqlite;

/// <summary>
/// The opaque continuation token of a keyset page: the (submittedAt, jobId) of the last item returned, as
/// base64url JSON. The next page starts strictly after it in (submittedAt DESC, jobId DESC) order.
/// </summary>
internal sealed record PageToken(string SubmittedAt, string JobId)
{
    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new[] { SubmittedAt, JobId })));

    public static PageToken? Decode(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            var parts = JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(token));
            if (parts is [{ } submittedAt, { } jobId])
            {
                _ = SqliteTime.Parse(submittedAt);
                return new PageToken(submittedAt, jobId);
            }
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            throw new ArgumentException("continuationToken: not a token this repository issued", nameof(token), ex);
        }

        throw new ArgumentException("continuationToken: not a token this repository issued", nameof(token));
    }
}
