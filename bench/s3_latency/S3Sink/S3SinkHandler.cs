using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Security;

namespace ImagingGateway.Bench.S3Sink;

/// <summary>
/// The S3 operations the Gateway makes, path-style: PutObject, CreateMultipartUpload, UploadPart,
/// CompleteMultipartUpload, AbortMultipartUpload, HeadObject, GetObject (with a byte range), ListObjectsV2,
/// DeleteObject; HeadBucket and CreateBucket succeed for any bucket. Every body's x-amz-checksum-crc32c is verified
/// while it arrives (400 BadDigest otherwise, as S3) and echoed; signatures are not checked.
/// </summary>
internal sealed partial class S3SinkHandler(SinkOptions options)
{
    private readonly ConcurrentDictionary<string, StoredObject> _objects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MultipartUpload> _uploads = new(StringComparer.Ordinal);
    private long _requests;
    private long _bytes;
    private long _badDigest;
    private static readonly object BodyEnd = new();
    private long _handlerTicks;
    private long _afterBodyTicks;

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Path.Value ?? "/";
        if (path == "/_sink/stats")
        {
            await response.WriteAsJsonAsync(new Dictionary<string, long>
            {
                ["requests"] = Interlocked.Read(ref _requests),
                ["bytes"] = Interlocked.Read(ref _bytes),
                ["badDigest"] = Interlocked.Read(ref _badDigest),
                ["objects"] = _objects.Count,
                ["handlerMicrosTotal"] = Interlocked.Read(ref _handlerTicks) * 1_000_000 / Stopwatch.Frequency,
                ["afterBodyMicrosTotal"] = Interlocked.Read(ref _afterBodyTicks) * 1_000_000 / Stopwatch.Frequency,
            });
            return;
        }

        Interlocked.Increment(ref _requests);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await ServeAsync(context);
        }
        finally
        {
            var ended = Stopwatch.GetTimestamp();
            Interlocked.Add(ref _handlerTicks, ended - started);
            Interlocked.Add(ref _afterBodyTicks, ended - (context.Items[BodyEnd] is long bodyEnd ? bodyEnd : started));
        }
    }

    private async Task ServeAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Path.Value ?? "/";
        var slash = path.IndexOf('/', 1);
        var bucket = slash < 0 ? path[1..] : path[1..slash];
        var key = slash < 0 ? string.Empty : path[(slash + 1)..];
        var name = bucket + "/" + key;
        var query = request.Query;
        if (key.Length == 0)
        {
            if (request.Method == "GET" && query["list-type"] == "2")
            {
                await ListAsync(response, bucket, query["prefix"].ToString(), query["continuation-token"].ToString(), query["start-after"].ToString(),
                    int.TryParse(query["max-keys"], CultureInfo.InvariantCulture, out var max) ? Math.Min(max, 1000) : 1000);
                return;
            }

            return;
        }

        switch (request.Method)
        {
            case "PUT":
                await PutAsync(context, name, query["uploadId"].ToString(), query["partNumber"].ToString());
                return;
            case "POST" when query.ContainsKey("uploads"):
                var uploadId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
                _uploads[uploadId] = new MultipartUpload(request.ContentType ?? "application/octet-stream");
                response.Headers["x-amz-checksum-algorithm"] = "CRC32C";
                response.Headers["x-amz-checksum-type"] = "FULL_OBJECT";
                await XmlAsync(response, 200,
                    $"<InitiateMultipartUploadResult><Bucket>{Escape(bucket)}</Bucket><Key>{Escape(key)}</Key><UploadId>{uploadId}</UploadId></InitiateMultipartUploadResult>");
                return;
            case "POST" when query.ContainsKey("uploadId"):
                await CompleteAsync(context, bucket, key, name, query["uploadId"].ToString());
                return;
            case "DELETE":
                if (query.ContainsKey("uploadId"))
                {
                    _uploads.TryRemove(query["uploadId"].ToString(), out _);
                }
                else
                {
                    _objects.TryRemove(name, out _);
                }

                response.StatusCode = 204;
                return;
            case "GET" or "HEAD":
                await GetAsync(context, name, request.Method == "HEAD");
                return;
            default:
                await ErrorAsync(response, 501, "NotImplemented", $"{request.Method} is not served by the sink.");
                return;
        }
    }

    private async Task PutAsync(HttpContext context, string name, string uploadId, string partNumber)
    {
        var (size, crc, body, sha256) = await ReadBodyAsync(context.Request);
        if (!await CheckAsync(context, crc, sha256))
        {
            return;
        }

        var etag = NewETag();
        if (uploadId.Length > 0)
        {
            if (!_uploads.TryGetValue(uploadId, out var upload))
            {
                await ErrorAsync(context.Response, 404, "NoSuchUpload", "The specified upload does not exist.");
                return;
            }

            upload.Parts[int.Parse(partNumber, CultureInfo.InvariantCulture)] = (size, crc);
        }
        else
        {
            _objects[name] = new StoredObject(size, crc, etag, DateTimeOffset.UtcNow, context.Request.ContentType ?? "application/octet-stream",
                size <= options.KeepBytes ? body : null, Multipart: false);
        }

        var headers = context.Response.Headers;
        headers.ETag = etag;
        headers["x-amz-checksum-crc32c"] = ToBase64(crc);
        headers["x-amz-server-side-encryption"] = "AES256";
    }

    private async Task CompleteAsync(HttpContext context, string bucket, string key, string name, string uploadId)
    {
        var (_, _, body, _) = await ReadBodyAsync(context.Request, keepAll: true);
        if (!_uploads.TryGetValue(uploadId, out var upload))
        {
            await ErrorAsync(context.Response, 404, "NoSuchUpload", "The specified upload does not exist.");
            return;
        }

        // The request lists the parts in order; the object is their concatenation.
        uint crc = 0;
        long size = 0;
        var numbers = PartNumber().Matches(Encoding.UTF8.GetString(body!)).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        foreach (var number in numbers)
        {
            if (!upload.Parts.TryGetValue(number, out var part))
            {
                await ErrorAsync(context.Response, 400, "InvalidPart", $"Part {number} was not uploaded.");
                return;
            }

            crc = size == 0 ? part.Crc32C : Crc32CCombine.Combine(crc, part.Crc32C, part.Size);
            size += part.Size;
        }

        if (context.Request.Headers["x-amz-checksum-crc32c"] is { Count: > 0 } sent && sent.ToString() != ToBase64(crc))
        {
            Interlocked.Increment(ref _badDigest);
            await ErrorAsync(context.Response, 400, "BadDigest", $"The CRC32C you specified did not match the parts' ({ToBase64(crc)}).");
            return;
        }

        _uploads.TryRemove(uploadId, out _);
        var etag = $"\"{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}-{numbers.Count}\"";
        _objects[name] = new StoredObject(size, crc, etag, DateTimeOffset.UtcNow, upload.ContentType, null, Multipart: true);
        context.Response.Headers["x-amz-server-side-encryption"] = "AES256";
        await XmlAsync(context.Response, 200,
            $"<CompleteMultipartUploadResult><Location>http://{context.Request.Host}/{Escape(name)}</Location><Bucket>{Escape(bucket)}</Bucket>" +
            $"<Key>{Escape(key)}</Key><ETag>{Escape(etag)}</ETag><ChecksumCRC32C>{ToBase64(crc)}</ChecksumCRC32C><ChecksumType>FULL_OBJECT</ChecksumType>" +
            "</CompleteMultipartUploadResult>");
    }

    private async Task GetAsync(HttpContext context, string name, bool headOnly)
    {
        var response = context.Response;
        if (!_objects.TryGetValue(name, out var stored))
        {
            if (headOnly)
            {
                response.StatusCode = 404;
                return;
            }

            await ErrorAsync(response, 404, "NoSuchKey", "The specified key does not exist.");
            return;
        }

        var headers = response.Headers;
        headers.ETag = stored.ETag;
        headers.LastModified = stored.Modified.ToString("R", CultureInfo.InvariantCulture);
        headers.ContentType = stored.ContentType;
        headers["x-amz-checksum-crc32c"] = ToBase64(stored.Crc32C);
        headers["x-amz-checksum-type"] = "FULL_OBJECT";
        headers["x-amz-server-side-encryption"] = "AES256";
        if (headOnly)
        {
            response.ContentLength = stored.Size;
            return;
        }

        if (stored.Body is null)
        {
            await ErrorAsync(response, 501, "NotImplemented", $"The sink keeps no body over {options.KeepBytes} bytes.");
            return;
        }

        var range = ByteRange().Match(context.Request.Headers.Range.ToString());
        if (range.Success)
        {
            var start = long.Parse(range.Groups[1].Value, CultureInfo.InvariantCulture);
            var end = range.Groups[2].Length > 0 ? Math.Min(long.Parse(range.Groups[2].Value, CultureInfo.InvariantCulture), stored.Size - 1) : stored.Size - 1;
            if (start >= stored.Size)
            {
                await ErrorAsync(response, 416, "InvalidRange", "The requested range is not satisfiable.");
                return;
            }

            response.StatusCode = 206;
            headers.ContentRange = $"bytes {start}-{end}/{stored.Size}";
            response.ContentLength = end - start + 1;
            await response.Body.WriteAsync(stored.Body.AsMemory((int)start, (int)(end - start + 1)));
            return;
        }

        response.ContentLength = stored.Size;
        await response.Body.WriteAsync(stored.Body);
    }

    private async Task ListAsync(HttpResponse response, string bucket, string prefix, string continuation, string startAfter, int maxKeys)
    {
        var after = continuation.Length > 0 ? Encoding.UTF8.GetString(Convert.FromBase64String(continuation)) : startAfter;
        var keys = _objects.Keys
            .Where(n => n.StartsWith(bucket + "/", StringComparison.Ordinal))
            .Select(n => n[(bucket.Length + 1)..])
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && string.CompareOrdinal(k, after) > 0)
            .Order(StringComparer.Ordinal)
            .Take(maxKeys + 1)
            .ToList();
        var truncated = keys.Count > maxKeys;
        var page = keys.Take(maxKeys).ToList();
        var xml = new StringBuilder($"<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>{Escape(bucket)}</Name><Prefix>{Escape(prefix)}</Prefix>");
        xml.Append(CultureInfo.InvariantCulture, $"<KeyCount>{page.Count}</KeyCount><MaxKeys>{maxKeys}</MaxKeys><IsTruncated>{(truncated ? "true" : "false")}</IsTruncated>");
        foreach (var key in page)
        {
            if (_objects.TryGetValue(bucket + "/" + key, out var o))
            {
                xml.Append(CultureInfo.InvariantCulture,
                    $"<Contents><Key>{Escape(key)}</Key><LastModified>{o.Modified.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}</LastModified><ETag>{Escape(o.ETag)}</ETag><Size>{o.Size}</Size><StorageClass>STANDARD</StorageClass></Contents>");
            }
        }

        if (truncated)
        {
            xml.Append(CultureInfo.InvariantCulture, $"<NextContinuationToken>{Convert.ToBase64String(Encoding.UTF8.GetBytes(page[^1]))}</NextContinuationToken>");
        }

        xml.Append("</ListBucketResult>");
        await XmlAsync(response, 200, xml.ToString());
    }

    /// <summary>Reads the body, its CRC32C computed as it arrives; the bytes are kept only up to --keep-bytes (or all, for small XML).</summary>
    private async Task<(long Size, uint Crc32C, byte[]? Body, string? Sha256)> ReadBodyAsync(HttpRequest request, bool keepAll = false)
    {
        var crc = new Crc32(Crc32ParameterSet.Crc32C);
        using var sha = options.VerifySha256 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        var keep = keepAll || (request.ContentLength ?? long.MaxValue) <= options.KeepBytes;
        var kept = new ArrayBufferWriter<byte>();
        long size = 0;
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync();
            foreach (var segment in result.Buffer)
            {
                crc.Append(segment.Span);
                sha?.AppendData(segment.Span);
                if (keep)
                {
                    kept.Write(segment.Span);
                }
            }

            size += result.Buffer.Length;
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        Interlocked.Add(ref _bytes, size);
        request.HttpContext.Items[BodyEnd] = Stopwatch.GetTimestamp();
        return (size, crc.GetCurrentHashAsUInt32(), keep ? kept.WrittenSpan.ToArray() : null, sha is null ? null : Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    /// <summary>S3's checks of a body: the CRC32C sent (BadDigest) and, with --verify-sha256, the signed payload hash.</summary>
    private async Task<bool> CheckAsync(HttpContext context, uint crc, string? sha256)
    {
        var headers = context.Request.Headers;
        if (headers["x-amz-checksum-crc32c"] is { Count: > 0 } sent && sent.ToString() != ToBase64(crc))
        {
            Interlocked.Increment(ref _badDigest);
            await ErrorAsync(context.Response, 400, "BadDigest", $"The CRC32C you specified did not match the calculated checksum ({ToBase64(crc)}).");
            return false;
        }

        var hash = headers["x-amz-content-sha256"].ToString();
        if (sha256 is not null && hash.Length == 64 && hash != sha256)
        {
            await ErrorAsync(context.Response, 400, "XAmzContentSHA256Mismatch", "The provided x-amz-content-sha256 header does not match what was computed.");
            return false;
        }

        return true;
    }

    private static string NewETag() => $"\"{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}\"";

    private static string ToBase64(uint crc)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, crc);
        return Convert.ToBase64String(bytes);
    }

    private static string Escape(string text) => SecurityElement.Escape(text);

    private static Task ErrorAsync(HttpResponse response, int status, string code, string message) =>
        XmlAsync(response, status, $"<Error><Code>{code}</Code><Message>{Escape(message)}</Message></Error>");

    private static async Task XmlAsync(HttpResponse response, int status, string body)
    {
        var bytes = Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + body);
        response.StatusCode = status;
        response.ContentType = "application/xml";
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes);
    }

    [GeneratedRegex(@"<PartNumber>(\d+)</PartNumber>")]
    private static partial Regex PartNumber();

    [GeneratedRegex(@"^bytes=(\d+)-(\d*)$")]
    private static partial Regex ByteRange();
}
