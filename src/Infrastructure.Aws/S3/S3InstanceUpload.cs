using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using Amazon.S3;
using Amazon.S3.Model;
using ImagingGateway.Application.Common.Ports;
using Microsoft.Extensions.Logging;

namespace ImagingGateway.Infrastructure.Aws.S3;

/// <summary>
/// One object being written. Bytes are buffered up to one part; when more arrive the multipart upload is created
/// and the full part sent. Commit sends the rest (a single PutObject when the object fits one part) and completes;
/// a failure, or disposal before commit, aborts the multipart upload so no parts are left behind.
/// Every request body carries its CRC32C (<c>x-amz-checksum-crc32c</c>), which S3 verifies; a multipart upload is a
/// full-object CRC32C upload, so S3 also verifies the whole object's CRC32C at completion.
/// </summary>
public sealed class S3InstanceUpload : IInstanceUpload
{
    private readonly IAmazonS3 _s3;
    private readonly AwsOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly bool _unsignedPayload;
    private readonly Crc32 _objectCrc = new(Crc32ParameterSet.Crc32C);
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
        // Over HTTPS the body is not hashed for the signature (UNSIGNED-PAYLOAD): TLS protects it and the signed
        // CRC32C header lets S3 detect corruption; the SDK refuses an unsigned payload over plain HTTP.
        _unsignedPayload = !s3.Config.UseHttp
            && (s3.Config.ServiceURL is not { } url || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase));
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
            uint crc;
            if (_uploadId is null)
            {
                crc = await PutSingleAsync(cancellationToken);
            }
            else
            {
                if (_buffered > 0)
                {
                    await UploadPartAsync(cancellationToken);
                }

                crc = _objectCrc.GetCurrentHashAsUInt32();
                await CompleteAsync(crc, cancellationToken);
            }

            _state = State.Committed;
            ReturnBuffer();
            return new StoredObjectInfo(Key, _size, ObjectChecksum.Crc32C(crc), _time.GetUtcNow());
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
            _buffered += n;
            _size += n;
            data = data[n..];
        }
    }

    /// <summary>The object in one PutObject, one round trip: the body is sent with the headers (no 100-continue wait).</summary>
    private async Task<uint> PutSingleAsync(CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(_buffer!, 0, _buffered, writable: false);
        var crc = Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, _buffer.AsSpan(0, _buffered));
        var checksum = Base64(crc);
        var request = new PutObjectRequest
        {
            BucketName = _options.DicomBucket,
            Key = Key,
            InputStream = body,
            AutoCloseStream = false,
            ContentType = ContentTypeOf(Key),
            UseChunkEncoding = false,
            DisablePayloadSigning = _unsignedPayload,
            ChecksumAlgorithm = ChecksumAlgorithm.CRC32C,
            ChecksumCRC32C = checksum,
        };
        ApplyEncryption(request);
        var response = await _s3.PutObjectAsync(request, cancellationToken);
        VerifyChecksum(checksum, response.ChecksumCRC32C, "PutObject");
        return crc;
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
                ChecksumAlgorithm = ChecksumAlgorithm.CRC32C,
                ChecksumType = ChecksumType.FULL_OBJECT,
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
        var part = _buffer.AsSpan(0, _buffered);
        var checksum = Base64(Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, part));
        _objectCrc.Append(part);
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
                DisablePayloadSigning = _unsignedPayload,
                ChecksumAlgorithm = ChecksumAlgorithm.CRC32C,
                ChecksumCRC32C = checksum,
            },
            cancellationToken);
        VerifyChecksum(checksum, response.ChecksumCRC32C, $"UploadPart {partNumber}");
        _parts.Add(new PartETag { PartNumber = partNumber, ETag = response.ETag, ChecksumCRC32C = checksum });
        _buffered = 0;
    }

    private async Task CompleteAsync(uint objectCrc, CancellationToken cancellationToken)
    {
        // S3 combines the parts' CRC32C into the object's and refuses the completion when it is not ours.
        var checksum = Base64(objectCrc);
        var response = await _s3.CompleteMultipartUploadAsync(
            new CompleteMultipartUploadRequest
            {
                BucketName = _options.DicomBucket,
                Key = Key,
                UploadId = _uploadId,
                PartETags = _parts,
                ChecksumType = ChecksumType.FULL_OBJECT,
                ChecksumCRC32C = checksum,
                MpuObjectSize = _size,
            },
            cancellationToken);
        VerifyChecksum(checksum, response.ChecksumCRC32C, "CompleteMultipartUpload");
    }

    private void ApplyEncryption(Amazon.S3.Model.PutObjectRequest request)
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
        // S3 rejects a body that does not match the checksum we sent (BadDigest); an echoed value other than ours means
        // something between us rewrote the request: a store failure (A700), and the batch never lists the instance.
        if (!string.IsNullOrEmpty(returned) && returned != sent)
        {
            throw new IOException($"{operation} of {Key}: S3 reports CRC32C {returned}, we sent {sent}");
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

    /// <summary>A CRC32C as S3 writes it: the four bytes big-endian, in base64.</summary>
    private static string Base64(uint crc)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, crc);
        return Convert.ToBase64String(bytes);
    }

    private static string ContentTypeOf(string key) =>
        key.EndsWith(".dcm", StringComparison.OrdinalIgnoreCase) ? "application/dicom"
        : key.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "application/json"
        : "application/octet-stream";

    /// <summary>
    /// A PutObject sent without <c>Expect: 100-continue</c>, which AWSSDK.S3 asks for on every PutObject: the body fits
    /// one part, so waiting for the go-ahead would only add a round trip before each acknowledgement. It keeps the
    /// SDK type's name because the SDK maps a request to its endpoint parameters (the bucket) by that name.
    /// </summary>
    private sealed class PutObjectRequest : Amazon.S3.Model.PutObjectRequest
    {
        protected override bool Expect100Continue => false;
    }

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
