using Amazon.Runtime;
using Amazon.S3;

namespace ImagingGateway.Infrastructure.Aws.Tests.Emulators;

/// <summary>
/// s3rver on 127.0.0.1 (OS-chosen port) with the buckets <c>dicom</c> and <c>results</c>, through s3rver-host.js,
/// which adds AbortMultipartUpload, ListMultipartUploads and SHA-256 and CRC32C checksum checking to it.
/// </summary>
public sealed class S3rverFixture : IDisposable
{
    public const string DicomBucket = "dicom";
    public const string ResultsBucket = "results";
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private readonly EmulatorProcess _process;

    public S3rverFixture()
    {
        RepositoryPaths.RequireTool("s3rver");
        DataDirectory = Directory.CreateTempSubdirectory("s3rver-").FullName;
        var host = Path.Combine(AppContext.BaseDirectory, "Emulators", "s3rver-host.js");
        // s3rver encrypts ListObjectsV2 continuation tokens with DES, which Node 17+ only offers through the legacy provider.
        _process = EmulatorProcess.Start("node", ["--openssl-legacy-provider", host, RepositoryPaths.Tools, DataDirectory, DicomBucket, ResultsBucket]);
        Port = int.Parse(_process.WaitForLine("listening ", TimeSpan.FromSeconds(30)), System.Globalization.CultureInfo.InvariantCulture);
        Endpoint = new Uri($"http://127.0.0.1:{Port}");
    }

    public int Port { get; }

    public Uri Endpoint { get; }

    public string DataDirectory { get; }

    public static BasicAWSCredentials Credentials => new(AccessKey, SecretKey);

    public AmazonS3Client CreateClient(HttpClientFactory? httpClientFactory = null) => new(
        Credentials,
        new AmazonS3Config
        {
            ServiceURL = Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            HttpClientFactory = httpClientFactory,
            MaxErrorRetry = 0,
        });

    /// <summary>Multipart uploads s3rver still holds parts for (its own bookkeeping, checked independently of the S3 API).</summary>
    public IReadOnlyList<string> PendingUploadDirectories(string bucket)
    {
        var dir = Path.Combine(DataDirectory, bucket, "._S3rver_uploads");
        return Directory.Exists(dir) ? Directory.GetDirectories(dir) : [];
    }

    public void Dispose()
    {
        _process.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder.
        }
    }
}
