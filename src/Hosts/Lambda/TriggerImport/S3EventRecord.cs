using System.Text.Json;

namespace ImagingGateway.Lambda.TriggerImport;

public sealed record S3EventRecord(string EventName, string Bucket, string Key, string RawKey);
