using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;

namespace ImagingGateway.Infrastructure.Aws.DynamoDb;

/// <summary>
/// Opaque continuation tokens: base64url of a JSON object mapping a cursor name to a DynamoDB key
/// (LastEvaluatedKey, string and number attributes only), or to null once that cursor is exhausted.
/// </summary>
public static class ContinuationToken
{
    public static string Encode(IReadOnlyDictionary<string, Dictionary<string, AttributeValue>?> cursors)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var (name, key) in cursors)
            {
                if (key is null)
                {
                    w.WriteNull(name);
                    continue;
                }

                w.WriteStartObject(name);
                foreach (var (attribute, value) in key)
                {
                    w.WriteStartObject(attribute);
                    if (value.S is not null)
                    {
                        w.WriteString("S", value.S);
                    }
                    else if (value.N is not null)
                    {
                        w.WriteString("N", value.N);
                    }
                    else
                    {
                        throw new InvalidOperationException($"key attribute {attribute} is neither a string nor a number");
                    }

                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return Convert.ToBase64String(buffer.ToArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static Dictionary<string, Dictionary<string, AttributeValue>?> Decode(string token)
    {
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            using var doc = JsonDocument.Parse(Convert.FromBase64String(base64));
            var cursors = new Dictionary<string, Dictionary<string, AttributeValue>?>(StringComparer.Ordinal);
            foreach (var cursor in doc.RootElement.EnumerateObject())
            {
                if (cursor.Value.ValueKind == JsonValueKind.Null)
                {
                    cursors[cursor.Name] = null;
                    continue;
                }

                var key = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
                foreach (var attribute in cursor.Value.EnumerateObject())
                {
                    key[attribute.Name] = attribute.Value.TryGetProperty("S", out var s)
                        ? new AttributeValue { S = s.GetString() }
                        : new AttributeValue { N = attribute.Value.GetProperty("N").GetString() };
                }

                cursors[cursor.Name] = key;
            }

            return cursors;
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new ArgumentException("the continuation token is not one this service issued", nameof(token), e);
        }
    }

    public static string Encode(Dictionary<string, AttributeValue> lastEvaluatedKey) =>
        Encode(new Dictionary<string, Dictionary<string, AttributeValue>?> { ["k"] = lastEvaluatedKey });

    public static Dictionary<string, AttributeValue>? DecodeSingle(string? token) =>
        token is null ? null : Decode(token).GetValueOrDefault("k")
            ?? throw new ArgumentException("the continuation token is not one this service issued", nameof(token));
}
