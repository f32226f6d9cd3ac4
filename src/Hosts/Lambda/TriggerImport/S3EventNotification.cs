using System.Text.Json;

namespace ImagingGateway.Lambda.TriggerImport;

/// <summary>
/// The parts of an S3 event notification we use (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html):
/// Records[].eventName, .s3.bucket.name and .s3.object.key. The key arrives URL-encoded with '+' for a space.
/// </summary>
public sealed record S3EventNotification(IReadOnlyList<S3EventRecord> Records, bool IsTestEvent)
{
    public static S3EventNotification Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("an S3 event notification is a JSON object");
        }

        if (root.TryGetProperty("Event", out var test) && test.GetString() == "s3:TestEvent")
        {
            return new S3EventNotification([], IsTestEvent: true);
        }

        if (!root.TryGetProperty("Records", out var records) || records.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("the event has no Records array");
        }

        var list = new List<S3EventRecord>();
        var index = 0;
        foreach (var record in records.EnumerateArray())
        {
            var at = $"Records[{index++}]";
            var s3 = Property(record, "s3", at);
            var bucket = Property(Property(s3, "bucket", at + ".s3"), "name", at + ".s3.bucket").GetString();
            var rawKey = Property(Property(s3, "object", at + ".s3"), "key", at + ".s3.object").GetString();
            if (string.IsNullOrEmpty(bucket) || string.IsNullOrEmpty(rawKey))
            {
                throw new FormatException($"{at}: bucket name and object key must not be empty");
            }

            var eventName = record.TryGetProperty("eventName", out var name) ? name.GetString() : null;
            list.Add(new S3EventRecord(eventName ?? string.Empty, bucket, DecodeKey(rawKey), rawKey));
        }

        return new S3EventNotification(list, IsTestEvent: false);
    }

    /// <summary>S3 encodes keys in events as in an HTML form: '+' is a space, the rest is percent-encoded.</summary>
    public static string DecodeKey(string raw) => Uri.UnescapeDataString(raw.Replace('+', ' '));

    private static JsonElement Property(JsonElement e, string name, string at) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v)
            ? v
            : throw new FormatException($"{at}.{name} is missing");
}
