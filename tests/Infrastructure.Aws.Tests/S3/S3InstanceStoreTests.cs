using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Aws.S3;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Infrastructure.Aws.Tests.S3;

public sealed class S3InstanceStoreTests(S3rverFixture s3rver) : IClassFixture<S3rverFixture>
{
    private const int PartSize = 5 * 1024 * 1024;
    private readonly string _prefix = "dicom/2026/11/28/" + Guid.NewGuid().ToString("N") + "/";

    [Theory]
    [InlineData(1024)]
    [InlineData(10 * 1024 * 1024)]
    public async Task GivenContent_WhenPutThenGet_ThenBytesAreIdentical(int length)
    {
        var (store, _, _) = CreateStore();
        var key = _prefix + "1.2.3.dcm";

        var (written, info) = await PutAsync(store, key, length, seed: (ulong)length);

        Assert.Equal(length, info.Size);
        var (readLength, readHash, readCrc) = await ReadBackAsync(store, key);
        Assert.Equal(length, readLength);
        Assert.Equal(written, readHash);
        Assert.Equal(ObjectChecksum.Crc32C(readCrc.Value), info.Checksum);
    }

    [Fact]
    public async Task Given200MegabyteInstance_WhenStreamedIn_ThenMultipartUploadStoresItByteIdentical()
    {
        const long length = 200L * 1024 * 1024;
        var (store, _, http) = CreateStore(partSize: 8 * 1024 * 1024);
        var key = _prefix + "1.2.840.200.dcm";

        var (written, info) = await PutAsync(store, key, length, seed: 200);

        Assert.Equal(length, info.Size);
        var parts = http.Requests.Where(r => r.Method == HttpMethod.Put && r.RequestUri!.Query.Contains("partNumber=", StringComparison.Ordinal)).ToList();
        Assert.Equal(25, parts.Count);
        // Each part's CRC32C is checked by the emulator as by S3 (BadDigest otherwise).
        Assert.All(parts, p => Assert.False(string.IsNullOrEmpty(Header(p, "x-amz-checksum-crc32c"))));
        var create = Assert.Single(http.Requests, r => r.Method == HttpMethod.Post && r.RequestUri!.Query.Contains("uploads", StringComparison.Ordinal));
        Assert.Equal("CRC32C", Header(create, "x-amz-checksum-algorithm"));
        Assert.Equal("FULL_OBJECT", Header(create, "x-amz-checksum-type"));
        var (readLength, readHash, readCrc) = await ReadBackAsync(store, key);
        Assert.Equal(length, readLength);
        Assert.Equal(written, readHash);
        Assert.Equal(ObjectChecksum.Crc32C(readCrc.Value), info.Checksum);
        // The completion carries the whole object's CRC32C, which S3 checks against the parts it combines.
        var complete = Assert.Single(http.Requests, r => r.Method == HttpMethod.Post && r.RequestUri!.Query.Contains("uploadId=", StringComparison.Ordinal));
        Assert.Equal(readCrc.Base64, Header(complete, "x-amz-checksum-crc32c"));
        Assert.Equal("FULL_OBJECT", Header(complete, "x-amz-checksum-type"));
        Assert.Empty(s3rver.PendingUploadDirectories(S3rverFixture.DicomBucket));
    }

    [Fact]
    public async Task GivenSmallObject_WhenCommitted_ThenOnePutObjectWithoutExpectContinueCarriesItsCrc32cAndSseS3()
    {
        var (store, _, http) = CreateStore();
        var key = _prefix + "small.dcm";
        byte[]? sent = null;
        http.Intercept = async request =>
        {
            if (request.Method == HttpMethod.Put && request.Content is not null)
            {
                sent = await request.Content.ReadAsByteArrayAsync();
                request.Content = Copy(request.Content, sent);
            }

            return null;
        };

        var (_, info) = await PutAsync(store, key, 4096, seed: 7);

        var put = Assert.Single(http.Requests, r => r.Method == HttpMethod.Put);
        Assert.NotEqual(true, put.Headers.ExpectContinue);
        Assert.False(put.Headers.Contains("Expect"));
        Assert.Equal("AES256", Header(put, "x-amz-server-side-encryption"));
        Assert.NotNull(sent);
        Assert.Equal(4096, sent.Length);
        var crc = ReferenceCrc32C.Of(sent);
        Assert.Equal(crc.Base64, Header(put, "x-amz-checksum-crc32c"));
        Assert.Equal(ObjectChecksum.Crc32C(crc.Value), info.Checksum);
        Assert.Null(Header(put, "x-amz-checksum-sha256"));
        // Plain HTTP (the emulator): the SDK signs the payload's SHA-256; over HTTPS it is UNSIGNED-PAYLOAD (below).
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(sent)), Header(put, "x-amz-content-sha256"));
        Assert.DoesNotContain(http.Requests, r => r.RequestUri!.Query.Contains("uploads", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenHttpsEndpoint_WhenCommitted_ThenThePayloadIsNotHashedForTheSignature()
    {
        var http = new RecordingHttpClientFactory
        {
            Intercept = request => Task.FromResult<HttpResponseMessage?>(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Headers = { { "ETag", "\"0123\"" } },
                Content = new ByteArrayContent([]),
            }),
        };
        using var client = new AmazonS3Client(
            S3rverFixture.Credentials,
            new AmazonS3Config { ServiceURL = "https://s3.eu-west-1.amazonaws.com", ForcePathStyle = true, AuthenticationRegion = "eu-west-1", HttpClientFactory = http, MaxErrorRetry = 0 });
        var store = new S3InstanceStore(client, Options.Create(new AwsOptions { DicomBucket = S3rverFixture.DicomBucket, MultipartPartSize = PartSize }), NullLogger<S3InstanceStore>.Instance);

        await PutAsync(store, _prefix + "tls.dcm", 4096, seed: 17);

        var put = Assert.Single(http.Requests);
        Assert.Equal("https", put.RequestUri!.Scheme);
        Assert.Equal("UNSIGNED-PAYLOAD", Header(put, "x-amz-content-sha256"));
        Assert.False(string.IsNullOrEmpty(Header(put, "x-amz-checksum-crc32c")));
        Assert.Contains("x-amz-checksum-crc32c", Assert.Single(put.Headers.GetValues("Authorization")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenS3EchoesAnotherChecksum_WhenCommitted_ThenIOExceptionAndNothingIsDeleted()
    {
        var (store, _, http) = CreateStore();
        var key = _prefix + "rewritten.dcm";
        http.Intercept = request => Task.FromResult(
            request.Method == HttpMethod.Put
                ? new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Headers = { { "ETag", "\"0123\"" }, { "x-amz-checksum-crc32c", "AAAAAA==" } },
                    Content = new ByteArrayContent([]),
                }
                : null);

        var e = await Assert.ThrowsAsync<IOException>(() => PutAsync(store, key, 1000, seed: 16));

        Assert.Contains("CRC32C", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(http.Requests, r => r.Method == HttpMethod.Delete);
    }

    [Theory]
    [InlineData("4waSgw==", "crc32c:e3069283")]
    [InlineData("4waSgw==-3", null)]
    public async Task GivenS3ReportsACrc32c_WhenInfoIsRead_ThenItIsTheChecksumUnlessComposite(string header, string? expected)
    {
        var (store, _, http) = CreateStore();
        http.Intercept = request => Task.FromResult(
            request.Method == HttpMethod.Head
                ? new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Headers = { { "ETag", "\"0123\"" }, { "x-amz-checksum-crc32c", header } },
                    Content = new ByteArrayContent([]) { Headers = { ContentLength = 9 } },
                }
                : null);

        var info = await store.GetInfoAsync(_prefix + "head.dcm", CancellationToken.None);

        Assert.NotNull(info);
        Assert.Equal(expected, info.Checksum);
        Assert.Equal(9, info.Size);
        Assert.Equal("ENABLED", Header(Assert.Single(http.Requests), "x-amz-checksum-mode"));
    }

    [Fact]
    public async Task GivenKmsKey_WhenMultipartUploadStarts_ThenSseKmsWithTheKeyIsRequested()
    {
        var (store, _, http) = CreateStore(kmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/abcd");

        await PutAsync(store, _prefix + "kms.dcm", PartSize + 10, seed: 8);

        var create = Assert.Single(http.Requests, r => r.Method == HttpMethod.Post && r.RequestUri!.Query.Contains("uploads", StringComparison.Ordinal));
        Assert.Equal("aws:kms", Header(create, "x-amz-server-side-encryption"));
        Assert.Equal("arn:aws:kms:eu-west-1:111122223333:key/abcd", Header(create, "x-amz-server-side-encryption-aws-kms-key-id"));
    }

    [Fact]
    public async Task GivenBodyCorruptedInTransit_WhenCommitted_ThenS3RejectsTheChecksumAndNothingIsStored()
    {
        var (store, _, http) = CreateStore();
        var key = _prefix + "corrupt.dcm";
        http.Intercept = async request =>
        {
            if (request.Method == HttpMethod.Put && request.Content is not null)
            {
                var body = await request.Content.ReadAsByteArrayAsync();
                body[body.Length / 2] ^= 0xFF;
                request.Content = Copy(request.Content, body);
            }

            return null;
        };

        var e = await Assert.ThrowsAsync<IOException>(() => PutAsync(store, key, 2048, seed: 9));

        Assert.Equal("BadDigest", Assert.IsType<AmazonS3Exception>(e.InnerException).ErrorCode);
        Assert.Null(await store.GetInfoAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task GivenPartUploadFails_WhenWriting_ThenMultipartUploadIsAbortedAndNoObjectExists()
    {
        var (store, client, http) = CreateStore();
        var key = _prefix + "fails.dcm";
        http.Intercept = request => Task.FromResult(
            request.Method == HttpMethod.Put && request.RequestUri!.Query.Contains("partNumber=2", StringComparison.Ordinal)
                ? new HttpResponseMessage(HttpStatusCode.Forbidden)
                {
                    Content = new StringContent("<Error><Code>AccessDenied</Code><Message>injected</Message></Error>", Encoding.UTF8, "application/xml"),
                }
                : null);

        var e = await Assert.ThrowsAsync<IOException>(() => PutAsync(store, key, (3 * PartSize) + 100, seed: 10));

        Assert.Equal("AccessDenied", Assert.IsType<AmazonS3Exception>(e.InnerException).ErrorCode);

        Assert.Contains(http.Requests, r => r.Method == HttpMethod.Delete && r.RequestUri!.Query.Contains("uploadId=", StringComparison.Ordinal));
        Assert.Null(await store.GetInfoAsync(key, CancellationToken.None));
        var uploads = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = S3rverFixture.DicomBucket, Prefix = _prefix });
        Assert.Empty(uploads.MultipartUploads ?? []);
        Assert.DoesNotContain(s3rver.PendingUploadDirectories(S3rverFixture.DicomBucket), d => File.ReadAllText(Path.Combine(d, "key")) == key);
    }

    [Fact]
    public async Task GivenUploadDisposedWithoutCommit_WhenPastOnePart_ThenNoObjectAndNoPartsRemain()
    {
        var (store, client, _) = CreateStore();
        var key = _prefix + "abandoned.dcm";
        string? uploadId;
        await using (var upload = await store.BeginPutAsync(key, CancellationToken.None))
        {
            await DeterministicContent.WriteAsync(upload.Content, (2 * PartSize) + 1, seed: 11);
            uploadId = ((S3InstanceUpload)upload).MultipartUploadId;
            Assert.NotNull(uploadId);
            Assert.Contains(s3rver.PendingUploadDirectories(S3rverFixture.DicomBucket), d => d.EndsWith(uploadId, StringComparison.Ordinal));
        }

        Assert.Null(await store.GetInfoAsync(key, CancellationToken.None));
        Assert.DoesNotContain(s3rver.PendingUploadDirectories(S3rverFixture.DicomBucket), d => d.EndsWith(uploadId, StringComparison.Ordinal));
        var uploads = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = S3rverFixture.DicomBucket, Prefix = _prefix });
        Assert.Empty(uploads.MultipartUploads ?? []);
    }

    [Fact]
    public async Task GivenWriteCancelledDuringAPart_WhenDisposed_ThenTheUploadIsAbortedAndNothingIsVisible()
    {
        var (store, client, http) = CreateStore();
        var key = _prefix + "cancelled.dcm";
        using var cancel = new CancellationTokenSource();
        http.Intercept = request =>
        {
            if (request.RequestUri!.Query.Contains("partNumber=2", StringComparison.Ordinal))
            {
                cancel.Cancel();
            }

            return Task.FromResult<HttpResponseMessage?>(null);
        };

        await using (var upload = await store.BeginPutAsync(key, CancellationToken.None))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                DeterministicContent.WriteAsync(upload.Content, 4L * PartSize, seed: 15, cancellationToken: cancel.Token));
            await Assert.ThrowsAsync<InvalidOperationException>(() => upload.CommitAsync(CancellationToken.None));
        }

        Assert.Null(await store.GetInfoAsync(key, CancellationToken.None));
        var uploads = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = S3rverFixture.DicomBucket, Prefix = _prefix });
        Assert.Empty(uploads.MultipartUploads ?? []);
    }

    [Fact]
    public async Task GivenSmallUploadDisposedWithoutCommit_WhenDisposed_ThenNothingWasSent()
    {
        var (store, _, http) = CreateStore();
        var key = _prefix + "never.dcm";
        await using (var upload = await store.BeginPutAsync(key, CancellationToken.None))
        {
            await upload.Content.WriteAsync(new byte[1000]);
        }

        Assert.Empty(http.Requests);
        Assert.Null(await store.GetInfoAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task GivenStoredObject_WhenReadingARange_ThenOnlyThoseBytesAreReturned()
    {
        var (store, _, http) = CreateStore();
        var key = _prefix + "range.dcm";
        var content = Enumerable.Range(0, 1024).Select(i => (byte)(i * 7)).ToArray();
        await using (var upload = await store.BeginPutAsync(key, CancellationToken.None))
        {
            await upload.Content.WriteAsync(content);
            await upload.CommitAsync(CancellationToken.None);
        }

        await using var read = await store.OpenReadAsync(key, new Application.Common.Ports.ByteRange(132, 100), CancellationToken.None);
        using var buffer = new MemoryStream();
        await read!.CopyToAsync(buffer);

        Assert.Equal(content.AsSpan(132, 100).ToArray(), buffer.ToArray());
        Assert.Equal("bytes=132-231", Header(http.Requests[^1], "Range"));
    }

    [Fact]
    public async Task GivenMoreKeysThanAPage_WhenListing_ThenEveryKeyUnderThePrefixComesInOrderAcrossPages()
    {
        var (store, _, http) = CreateStore(listPageSize: 2);
        var keys = Enumerable.Range(0, 7).Select(i => $"{_prefix}{i}.dcm").ToList();
        foreach (var key in keys)
        {
            await PutAsync(store, key, 10, seed: 12);
        }

        await PutAsync(store, _prefix[..^1] + "-other/x.dcm", 10, seed: 13);

        var listed = new List<StoredObjectInfo>();
        await foreach (var o in store.ListAsync(_prefix, CancellationToken.None))
        {
            listed.Add(o);
        }

        Assert.Equal(keys, listed.Select(o => o.Key));
        Assert.All(listed, o => Assert.Equal(10, o.Size));
        Assert.Equal(4, http.Requests.Count(r => r.Method == HttpMethod.Get && r.RequestUri!.Query.Contains("list-type=2", StringComparison.Ordinal)));
    }

    [Fact]
    public void GivenKeyOrPrefix_WhenLocated_ThenItIsAnS3Uri()
    {
        var (store, _, _) = CreateStore();

        Assert.Equal("s3://dicom/dicom/2026/11/28/B/", store.LocationOf("dicom/2026/11/28/B/"));
    }

    [Fact]
    public void GivenPartSizeBelowTheS3Minimum_WhenCreatingTheStore_ThenItRefuses()
    {
        var e = Assert.Throws<InvalidOperationException>(() => CreateStore(partSize: 1024 * 1024));

        Assert.Contains("MultipartPartSize", e.Message, StringComparison.Ordinal);
    }

    private static string? Header(HttpRequestMessage request, string name) =>
        request.Headers.TryGetValues(name, out var v) ? v.First()
        : request.Content?.Headers.TryGetValues(name, out var c) == true ? c.First()
        : null;

    private static ByteArrayContent Copy(HttpContent original, byte[] body)
    {
        var content = new ByteArrayContent(body);
        foreach (var h in original.Headers)
        {
            content.Headers.TryAddWithoutValidation(h.Key, h.Value);
        }

        return content;
    }

    /// <summary>The stored object's length, SHA-256 (hex) and CRC32C, read back through the store.</summary>
    private static async Task<(long Length, string Sha256, ReferenceCrc32C Crc)> ReadBackAsync(IInstanceStore store, string key)
    {
        await using var read = await store.OpenReadAsync(key, null, CancellationToken.None);
        Assert.NotNull(read);
        using var sha256 = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var crc = new ReferenceCrc32C();
        var buffer = new byte[64 * 1024];
        long length = 0;
        int n;
        while ((n = await read.ReadAsync(buffer)) > 0)
        {
            sha256.AppendData(buffer, 0, n);
            crc.Append(buffer.AsSpan(0, n));
            length += n;
        }

        return (length, Convert.ToHexStringLower(sha256.GetHashAndReset()), crc);
    }

    private static async Task<(string Sha256, StoredObjectInfo Info)> PutAsync(IInstanceStore store, string key, long length, ulong seed)
    {
        await using var upload = await store.BeginPutAsync(key, CancellationToken.None);
        var sha256 = await DeterministicContent.WriteAsync(upload.Content, length, seed);
        var info = await upload.CommitAsync(CancellationToken.None);
        return (sha256, info);
    }

    private (S3InstanceStore Store, AmazonS3Client Client, RecordingHttpClientFactory Http) CreateStore(
        int partSize = PartSize, string? kmsKeyId = null, int listPageSize = 1000)
    {
        var http = new RecordingHttpClientFactory();
        var client = s3rver.CreateClient(http);
        var options = Options.Create(new AwsOptions
        {
            DicomBucket = S3rverFixture.DicomBucket,
            MultipartPartSize = partSize,
            KmsKeyId = kmsKeyId,
            ForcePathStyle = true,
        });
        return (new S3InstanceStore(client, options, NullLogger<S3InstanceStore>.Instance) { ListPageSize = listPageSize }, client, http);
    }
}
