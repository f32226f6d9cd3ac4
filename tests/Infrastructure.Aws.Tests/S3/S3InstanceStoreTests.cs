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
        Assert.Equal("sha256:" + written, info.Checksum);
        // A single PUT's SHA-256 reads back; a multipart upload's whole-object SHA-256 is known only at its end, and
        // S3's own checksum of it is a checksum of the parts' checksums, so none reads back.
        Assert.Equal(length <= PartSize ? info.Checksum : null, (await store.GetInfoAsync(key, CancellationToken.None))!.Checksum);
        await using var read = await store.OpenReadAsync(key, null, CancellationToken.None);
        Assert.NotNull(read);
        var (readLength, readHash) = await DeterministicContent.HashAsync(read);
        Assert.Equal(length, readLength);
        Assert.Equal(written, readHash);
    }

    [Fact]
    public async Task Given200MegabyteInstance_WhenStreamedIn_ThenMultipartUploadStoresItByteIdentical()
    {
        const long length = 200L * 1024 * 1024;
        var (store, _, http) = CreateStore(partSize: 8 * 1024 * 1024);
        var key = _prefix + "1.2.840.200.dcm";

        var (written, info) = await PutAsync(store, key, length, seed: 200);

        Assert.Equal(length, info.Size);
        Assert.Equal("sha256:" + written, info.Checksum);
        var parts = http.Requests.Count(r => r.Method == HttpMethod.Put && r.RequestUri!.Query.Contains("partNumber=", StringComparison.Ordinal));
        Assert.Equal(25, parts);
        Assert.Contains(http.Requests, r => r.Method == HttpMethod.Post && r.RequestUri!.Query.Contains("uploads", StringComparison.Ordinal));
        await using var read = await store.OpenReadAsync(key, null, CancellationToken.None);
        var (readLength, readHash) = await DeterministicContent.HashAsync(read!);
        Assert.Equal(length, readLength);
        Assert.Equal(written, readHash);
        Assert.Empty(s3rver.PendingUploadDirectories(S3rverFixture.DicomBucket));
    }

    [Fact]
    public async Task GivenSmallObject_WhenCommitted_ThenOnePutObjectCarriesSha256AndSseS3()
    {
        var (store, _, http) = CreateStore();
        var key = _prefix + "small.dcm";

        await PutAsync(store, key, 4096, seed: 7);

        var put = Assert.Single(http.Requests, r => r.Method == HttpMethod.Put);
        Assert.Equal("AES256", Header(put, "x-amz-server-side-encryption"));
        Assert.False(string.IsNullOrEmpty(Header(put, "x-amz-checksum-sha256")));
        Assert.NotEqual("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", Header(put, "x-amz-content-sha256"));
        Assert.DoesNotContain(http.Requests, r => r.RequestUri!.Query.Contains("uploads", StringComparison.Ordinal));
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
                var content = new ByteArrayContent(body);
                foreach (var h in request.Content.Headers)
                {
                    content.Headers.TryAddWithoutValidation(h.Key, h.Value);
                }

                request.Content = content;
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
