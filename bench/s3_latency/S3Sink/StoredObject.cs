namespace ImagingGateway.Bench.S3Sink;

/// <summary>What the sink keeps of an object: its size, CRC32C and time, and its bytes only when small.</summary>
internal sealed record StoredObject(long Size, uint Crc32C, string ETag, DateTimeOffset Modified, string ContentType, byte[]? Body, bool Multipart);
