using Amazon;
using Amazon.S3;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Imports;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Infrastructure.Aws.Tests;

/// <summary>AWSSDK.Core 4.1 itself honours AWS_ENDPOINT_URL_S3 for a client configured with only a region.</summary>
[Collection(nameof(ProcessEnvironmentCollection))]
public sealed class SdkEndpointOverrideTests(S3rverFixture s3rver) : IClassFixture<S3rverFixture>
{
    [Fact]
    public async Task GivenAwsEndpointUrlS3_WhenAnSdkClientHasOnlyARegion_ThenItTalksToTheOverride()
    {
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_S3", s3rver.Endpoint.ToString());
        try
        {
            using var client = new AmazonS3Client(S3rverFixture.Credentials, new AmazonS3Config { RegionEndpoint = RegionEndpoint.EUWest1, ForcePathStyle = true });

            var listed = await client.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = S3rverFixture.DicomBucket, MaxKeys = 1 });

            Assert.Equal(S3rverFixture.DicomBucket, listed.Name);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_S3", null);
        }
    }
}
