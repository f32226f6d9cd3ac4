namespace ImagingGateway.Infrastructure.Local.FileSystem;

/// <summary>An object was committed under the notification prefix (the local s3:ObjectCreated:* event).</summary>
public sealed record ObjectCreatedEvent(string Key, long Size, string? Checksum, DateTimeOffset CreatedAt);
