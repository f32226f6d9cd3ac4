using System.Buffers;
using System.Net;
using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;
using ImagingGateway.Application.Common.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Infrastructure.Aws.S3;

/// <summary>
/// <see cref="IInstanceStore"/> on the DICOM bucket. Uploads stream: bytes are buffered up to one part
/// (<see cref="AwsOptions.MultipartPartSize"/>) and a larger object becomes a multipart upload, part by part, so an
/// instance is never held whole in memory. Every write carries its CRC32C and asks for server-side encryption.
/// </summary>
public sealed class S3InstanceStore(
    IAmazonS3 s3,
    IOptions<AwsOptions> options,
    ILogger<S3InstanceStore> logger,
    TimeProvider? timeProvider = null) : IInstanceStore
{
    /// <summary>User metadata holding an object's SHA-256 (hex), read when S3 has no whole-object CRC32C for it.</summary>
    public const string Sha256MetadataKey = "x-amz-meta-sha256";

    private readonly AwsOptions _options = Validate(options.Value);
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    public string Bucket => _options.DicomBucket;

    /// <summary>Keys per ListObjectsV2 page (S3's maximum is 1000).</summary>
    public int ListPageSize { get; init; } = 1000;

    public Task<IInstanceUpload> BeginPutAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        IInstanceUpload upload = new S3InstanceUpload(s3, _options, key, logger, _time);
        return Task.FromResult(upload);
    }

    public async Task<Stream?> OpenReadAsync(string key, Application.Common.Ports.ByteRange? range, CancellationToken cancellationToken)
    {
        var request = new GetObjectRequest { BucketName = Bucket, Key = key };
        if (range is { } r)
        {
            if (r.Offset < 0 || r.Length < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(range), "a range has a non-negative offset and length");
            }

            if (r.Length == 0)
            {
                return await GetInfoAsync(key, cancellationToken) is null ? null : new MemoryStream([], writable: false);
            }

            request.ByteRange = new Amazon.S3.Model.ByteRange(r.Offset, r.Offset + r.Length - 1);
        }

        try
        {
            var response = await s3.GetObjectAsync(request, cancellationToken);
            return new ResponseStream(response);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // The range starts past the end: nothing to read, but the object exists.
            return new MemoryStream([], writable: false);
        }
        catch (Exception e) when (S3StoreFailure.Is(e))
        {
            throw S3StoreFailure.Wrap("GetObject", key, e);
        }
    }

    public async Task<StoredObjectInfo?> GetInfoAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await s3.GetObjectMetadataAsync(
                new GetObjectMetadataRequest { BucketName = Bucket, Key = key, ChecksumMode = ChecksumMode.ENABLED },
                cancellationToken);
            if (ToCrc32C(response.ChecksumCRC32C) is { } crc32c)
            {
                return new StoredObjectInfo(key, response.ContentLength, crc32c, ToOffset(response.LastModified));
            }

            var sha256 = response.Metadata?[Sha256MetadataKey];
            if (string.IsNullOrEmpty(sha256) && response.ChecksumSHA256 is { Length: > 0 } checksum && !checksum.Contains('-', StringComparison.Ordinal))
            {
                sha256 = Convert.ToHexStringLower(Convert.FromBase64String(checksum));
            }

            return new StoredObjectInfo(key, response.ContentLength, ToChecksum(sha256), ToOffset(response.LastModified));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception e) when (S3StoreFailure.Is(e))
        {
            throw S3StoreFailure.Wrap("HeadObject", key, e);
        }
    }

    public async IAsyncEnumerable<StoredObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? continuation = null;
        do
        {
            ListObjectsV2Response response;
            try
            {
                response = await s3.ListObjectsV2Async(
                    new ListObjectsV2Request
                    {
                        BucketName = Bucket,
                        Prefix = prefix,
                        MaxKeys = ListPageSize,
                        ContinuationToken = continuation,
                    },
                    cancellationToken);
            }
            catch (Exception e) when (S3StoreFailure.Is(e))
            {
                throw S3StoreFailure.Wrap("ListObjectsV2", prefix, e);
            }
            foreach (var o in response.S3Objects ?? [])
            {
                yield return new StoredObjectInfo(o.Key, o.Size ?? 0, null, ToOffset(o.LastModified));
            }

            continuation = response.IsTruncated == true ? response.NextContinuationToken : null;
        }
        while (!string.IsNullOrEmpty(continuation));
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        try
        {
            // S3 answers 204 whether or not the key existed.
            await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = key }, cancellationToken);
        }
        catch (Exception e) when (S3StoreFailure.Is(e))
        {
            throw S3StoreFailure.Wrap("DeleteObject", key, e);
        }
    }

    public string LocationOf(string keyOrPrefix) => $"s3://{Bucket}/{keyOrPrefix}";

    /// <summary>
    /// The object's SHA-256 (our metadata, or S3's own whole-object checksum) as an <see cref="ObjectChecksum"/>; null
    /// when there is none or it is not 64 hex digits (metadata someone else wrote).
    /// </summary>
    private static string? ToChecksum(string? sha256Hex)
    {
        Span<byte> digest = stackalloc byte[32];
        return sha256Hex is { Length: 64 } && Convert.FromHexString(sha256Hex, digest, out _, out var written) == OperationStatus.Done && written == 32
            ? ObjectChecksum.Sha256(digest)
            : null;
    }

    /// <summary>
    /// S3's whole-object CRC32C (base64 of four big-endian bytes) as an <see cref="ObjectChecksum"/>; null when there is
    /// none or it is a composite checksum of parts (<c>…-N</c>).
    /// </summary>
    private static string? ToCrc32C(string? base64)
    {
        Span<byte> bytes = stackalloc byte[4];
        return base64 is { Length: 8 } && Convert.TryFromBase64String(base64, bytes, out var written) && written == 4
            ? ObjectChecksum.Crc32C(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes))
            : null;
    }

    private static DateTimeOffset ToOffset(DateTime? value) => value is { } v
        ? new DateTimeOffset(v.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : v.ToUniversalTime())
        : DateTimeOffset.MinValue;

    private static AwsOptions Validate(AwsOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.DicomBucket))
        {
            throw new InvalidOperationException("Gateway:Aws:DicomBucket is required for the S3 instance store");
        }

        if (o.MultipartPartSize < AwsOptions.MinimumPartSize)
        {
            throw new InvalidOperationException(
                $"Gateway:Aws:MultipartPartSize is {o.MultipartPartSize}; S3 parts are at least {AwsOptions.MinimumPartSize} bytes");
        }

        return o;
    }

    /// <summary>The body of a GET, disposing the response with it.</summary>
    private sealed class ResponseStream(GetObjectResponse response) : Stream
    {
        private readonly Stream _inner = response.ResponseStream;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => response.ContentLength;

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => _inner.Read(buffer);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _inner.ReadAsync(buffer, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
