using System.Buffers;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using ImagingGateway.Application.Common.Ports;
using Microsoft.Extensions.Logging;

namespace ImagingGateway.Infrastructure.Aws.S3;

/// <summary>
/// One object being written. Bytes are buffered up to one part; when more arrive the multipart upload is created
/// and the full part sent. Commit sends the rest (a single PutObject when the object fits one part) and completes;
/// a failure, or disposal before commit, aborts the multipart upload so no parts are left behind.
/// </summary>
public sealed class S3InstanceUpload : IInstanceUpload
{
    private readonly IAmazonS3 _s3;
    private readonly AwsOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IncrementalHash _objectHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly List<PartETag> _parts = [];
    private byte[]? _buffer;
    private int _buffered;
    private long _size;
    private string? _uploadId;
    private State _state = State.Open;

    internal S3InstanceUpload(IAmazonS3 s3, AwsOptions options, string key, ILogger logger, TimeProvider time)
    {
        _s3 = s3;
        _options = options;
        _logger = logger;
        _time = time;
        Key = key;
        _buffer = ArrayPool<byte>.Shared.Rent(options.MultipartPartSize);
        Content = new UploadStream(this);
    }

    private enum State
    {
        Open,
        Committed,
        Failed,
        Disposed,
    }

    public string Key { get; }

    public Stream Content { get; }

    /// <summary>The multipart upload id once the object outgrew one part (for tests and logs).</summary>
    public string? MultipartUploadId => _uploadId;

    private int PartSize => _options.MultipartPartSize;

    public async Task<StoredObjectInfo> CommitAsync(CancellationToken cancellationToken)
    {
        EnsureOpen();
        try
        {
            var digest = _objectHash.GetHashAndReset();
            var sha256 = Convert.ToHexStringLower(digest);
            if (_uploadId is null)
            {
                await PutSingleAsync(sha256, cancellationToken);
            }
            else
            {
                if (_buffered > 0)
                {
                    await UploadPartAsync(cancellationToken);
                }

                await CompleteAsync(cancellationToken);
            }

            _state = State.Committed;
            ReturnBuffer();
            return new StoredObjectInfo(Key, _size, ObjectChecksum.Sha256(digest), _time.GetUtcNow());
        }
        catch (Exception e) when (S3StoreFailure.Is(e))
        {
            await FailAsync();
            throw S3StoreFailure.Wrap("commit", Key, e);
        }
        catch
        {
            await FailAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_state == State.Open)
        {
            await AbortAsync();
        }

        if (_state != State.Committed)
        {
            _state = State.Disposed;
        }

        ReturnBuffer();
        _objectHash.Dispose();
    }

    private async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        EnsureOpen();
        while (!data.IsEmpty)
        {
            if (_buffered == PartSize)
            {
                // The buffer is full and more is coming: this object is a multipart upload.
                try
                {
                    await UploadPartAsync(cancellationToken);
                }
                catch (Exception e) when (S3StoreFailure.Is(e))
                {
                    await FailAsync();
                    throw S3StoreFailure.Wrap("part upload", Key, e);
                }
                catch
                {
                    await FailAsync();
                    throw;
                }
            }

            var n = Math.Min(PartSize - _buffered, data.Length);
            data.Span[..n].CopyTo(_buffer.AsSpan(_buffered));
            _objectHash.AppendData(data.Span[..n]);
            _buffered += n;
            _size += n;
            data = data[n..];
        }
    }

    private async Task PutSingleAsync(string sha256Hex, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(_buffer!, 0, _buffered, writable: false);
        var checksum = Base64Sha256(_buffer.AsSpan(0, _buffered));
        var request = new PutObjectRequest
        {
            BucketName = _options.DicomBucket,
            Key = Key,
            InputStream = body,
            AutoCloseStream = false,
            ContentType = ContentTypeOf(Key),
            UseChunkEncoding = false,
            ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
            ChecksumSHA256 = checksum,
        };
        request.Metadata.Add(S3InstanceStore.Sha256MetadataKey, sha256Hex);
        ApplyEncryption(request);
        var response = await _s3.PutObjectAsync(request, cancellationToken);
        try
        {
            VerifyChecksum(checksum, response.ChecksumSHA256, "PutObject");
        }
        catch (InvalidDataException)
        {
            // What is stored is not what we wrote: it must not stay visible.
            await _s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _options.DicomBucket, Key = Key }, CancellationToken.None);
            throw;
        }
    }

    private async Task UploadPartAsync(CancellationToken cancellationToken)
    {
        if (_uploadId is null)
        {
            var create = new InitiateMultipartUploadRequest
            {
                BucketName = _options.DicomBucket,
                Key = Key,
                ContentType = ContentTypeOf(Key),
                ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
            };
            if (string.IsNullOrEmpty(_options.KmsKeyId))
            {
                create.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256;
            }
            else
            {
                create.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS;
                create.ServerSideEncryptionKeyManagementServiceKeyId = _options.KmsKeyId;
            }

            var created = await _s3.InitiateMultipartUploadAsync(create, cancellationToken);
            _uploadId = created.UploadId;
            _logger.LogDebug("multipart upload {UploadId} started for {Key}", _uploadId, Key);
        }

        var partNumber = _parts.Count + 1;
        var checksum = Base64Sha256(_buffer.AsSpan(0, _buffered));
        using var body = new MemoryStream(_buffer!, 0, _buffered, writable: false);
        var response = await _s3.UploadPartAsync(
            new UploadPartRequest
            {
                BucketName = _options.DicomBucket,
                Key = Key,
                UploadId = _uploadId,
                PartNumber = partNumber,
                PartSize = _buffered,
                InputStream = body,
                UseChunkEncoding = false,
                ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
                ChecksumSHA256 = checksum,
            },
            cancellationToken);
        VerifyChecksum(checksum, response.ChecksumSHA256, $"UploadPart {partNumber}");
        _parts.Add(new PartETag { PartNumber = partNumber, ETag = response.ETag, ChecksumSHA256 = checksum });
        _buffered = 0;
    }

    private async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await _s3.CompleteMultipartUploadAsync(
            new CompleteMultipartUploadRequest
            {
                BucketName = _options.DicomBucket,
                Key = Key,
                UploadId = _uploadId,
                PartETags = _parts,
            },
            cancellationToken);
    }

    private void ApplyEncryption(PutObjectRequest request)
    {
        if (string.IsNullOrEmpty(_options.KmsKeyId))
        {
            request.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256;
        }
        else
        {
            request.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS;
            request.ServerSideEncryptionKeyManagementServiceKeyId = _options.KmsKeyId;
        }
    }

    private async Task FailAsync()
    {
        if (_state == State.Open)
        {
            _state = State.Failed;
            await AbortAsync();
        }
    }

    private async Task AbortAsync()
    {
        if (_uploadId is null)
        {
            return;
        }

        // Not the caller's token: an abort must still run when the write was cancelled.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _s3.AbortMultipartUploadAsync(
                new AbortMultipartUploadRequest { BucketName = _options.DicomBucket, Key = Key, UploadId = _uploadId },
                timeout.Token);
            _logger.LogInformation("multipart upload {UploadId} of {Key} aborted", _uploadId, Key);
        }
        catch (Exception e) when (e is AmazonS3Exception or HttpRequestException or OperationCanceledException or IOException)
        {
            // The bucket's lifecycle rule (AbortIncompleteMultipartUpload) is the backstop for this case.
            _logger.LogError(e, "could not abort multipart upload {UploadId} of {Key}", _uploadId, Key);
        }
        finally
        {
            _uploadId = null;
        }
    }

    private void VerifyChecksum(string sent, string? returned, string operation)
    {
        // S3 rejects a body that does not match the checksum we sent (BadDigest); when it echoes the value,
        // it must be ours, or something between us rewrote the request.
        if (!string.IsNullOrEmpty(returned) && returned != sent)
        {
            throw new InvalidDataException($"{operation} of {Key}: S3 reports SHA-256 {returned}, we sent {sent}");
        }
    }

    private void EnsureOpen()
    {
        if (_state != State.Open)
        {
            throw new InvalidOperationException($"the upload of {Key} is {_state.ToString().ToLowerInvariant()}");
        }
    }

    private void ReturnBuffer()
    {
        if (_buffer is { } b)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(b);
        }
    }

    private static string Base64Sha256(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(data, hash);
        return Convert.ToBase64String(hash);
    }

    private static string ContentTypeOf(string key) =>
        key.EndsWith(".dcm", StringComparison.OrdinalIgnoreCase) ? "application/dicom"
        : key.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "application/json"
        : "application/octet-stream";

    /// <summary>The write side handed to the caller; everything goes to the part buffer.</summary>
    private sealed class UploadStream(S3InstanceUpload upload) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => upload._state == State.Open;

        public override long Length => upload._size;

        public override long Position { get => upload._size; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) =>
            upload.WriteAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

        public override void Write(ReadOnlySpan<byte> buffer) =>
            upload.WriteAsync(buffer.ToArray(), CancellationToken.None).AsTask().GetAwaiter().GetResult();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            upload.WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            upload.WriteAsync(buffer, cancellationToken);

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
