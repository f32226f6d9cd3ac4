using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Aws.S3;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;
using ImagingGateway.Tests.Contracts;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Infrastructure.Aws.Tests.S3;

public sealed class S3InstanceStoreContractTests(S3rverFixture s3rver) : InstanceStoreContract, IClassFixture<S3rverFixture>
{
    protected override Task<IInstanceStore> CreateStoreAsync() => Task.FromResult(Create(S3rverFixture.DicomBucket));

    /// <summary>A store on a bucket that does not exist: S3 answers every write NoSuchBucket.</summary>
    protected override Task<IInstanceStore> CreateFailingStoreAsync() => Task.FromResult(Create("no-such-bucket"));

    protected override string ExpectedChecksum(byte[] content) => ObjectChecksum.Crc32C(ReferenceCrc32C.Of(content).Value);

    private IInstanceStore Create(string bucket) => new S3InstanceStore(
        s3rver.CreateClient(),
        Options.Create(new AwsOptions { DicomBucket = bucket, ForcePathStyle = true }),
        NullLogger<S3InstanceStore>.Instance);
}
