using Amazon;
using Amazon.S3;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Imports;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Infrastructure.Aws.Tests;

public sealed class DependencyInjectionTests(S3rverFixture s3rver, DynaliteFixture dynalite) : IClassFixture<S3rverFixture>, IClassFixture<DynaliteFixture>
{
    [Fact]
    public async Task GivenConfigurationAndEndpointOverrides_WhenComposed_ThenTheStoreAndJobTableWorkAgainstTheEmulators()
    {
        var table = await dynalite.CreateJobTableAsync();
        using var services = AwsTestServices.Build(
            new Dictionary<string, string?>
            {
                ["Gateway:Aws:Region"] = "eu-west-1",
                ["Gateway:Aws:DicomBucket"] = S3rverFixture.DicomBucket,
                ["Gateway:Aws:JobTable"] = table,
                ["Gateway:Aws:ForcePathStyle"] = "true",
                ["Gateway:Aws:MultipartPartSize"] = "6291456",
            },
            new Dictionary<string, string>
            {
                ["AWS_ENDPOINT_URL_S3"] = s3rver.Endpoint.ToString(),
                ["AWS_ENDPOINT_URL_DYNAMODB"] = dynalite.Endpoint.ToString(),
            },
            (s, c) => s.AddS3InstanceStore(c).AddDynamoDbImportJobs(c));

        var store = services.GetRequiredService<IInstanceStore>();
        var key = $"dicom/2026/11/28/{Guid.NewGuid():N}/1.2.3.dcm";
        await using (var upload = await store.BeginPutAsync(key, CancellationToken.None))
        {
            await upload.Content.WriteAsync("hello"u8.ToArray());
            await upload.CommitAsync(CancellationToken.None);
        }

        var jobs = services.GetRequiredService<IImportJobRepository>();
        var job = ImportJob.Submit(new ImportJobSnapshot("di1", ImportJobStatus.Submitted, DateTimeOffset.UtcNow, "s3://dicom/p/", "s3://results/p/",
            "0123456789abcdef0123456789abcdef", "arn:aws:iam::111122223333:role/r", null, null, null, null, null, null, null, 1, 5));

        Assert.Equal(5, (await store.GetInfoAsync(key, CancellationToken.None))!.Size);
        Assert.True(await jobs.CreateIfAbsentAsync(job, CancellationToken.None));
        Assert.Equal(6291456, services.GetRequiredService<IOptions<AwsOptions>>().Value.MultipartPartSize);
        Assert.Equal(RegionEndpoint.EUWest1, services.GetRequiredService<RegionEndpoint>());
    }

    [Fact]
    public void GivenInvalidNumber_WhenBound_ThenTheKeyIsNamed()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["MultipartPartSize"] = "8MB" }).Build();

        var e = Assert.Throws<InvalidOperationException>(() => DependencyInjection.Bind(section, new AwsOptions()));

        Assert.Contains("MultipartPartSize", e.Message, StringComparison.Ordinal);
    }
}
