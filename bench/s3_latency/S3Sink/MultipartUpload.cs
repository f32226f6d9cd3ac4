using System.Collections.Concurrent;

namespace ImagingGateway.Bench.S3Sink;

/// <summary>An open multipart upload: each part's size and CRC32C by part number.</summary>
internal sealed class MultipartUpload(string contentType)
{
    public string ContentType { get; } = contentType;

    public ConcurrentDictionary<int, (long Size, uint Crc32C)> Parts { get; } = new();
}
