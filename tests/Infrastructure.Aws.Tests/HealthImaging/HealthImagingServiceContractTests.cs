using Amazon.S3.Model;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;
using ImagingGateway.Tests.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace ImagingGateway.Infrastructure.Aws.Tests.HealthImaging;

/// <summary>
/// The contract against HealthImaging's service model on loopback, with the job's input and output in s3rver: the
/// emulated service reads the input prefix and writes HealthImaging's output layout when a job ends.
/// </summary>
public sealed class HealthImagingServiceContractTests : ImagingServiceContract, IClassFixture<S3rverFixture>, IDisposable
{
    private readonly S3rverFixture _s3rver;
    private readonly FakeHealthImaging _fake = new();
    private readonly AwsModelServer _server;
    private readonly ServiceProvider _services;

    public HealthImagingServiceContractTests(S3rverFixture s3rver)
    {
        _s3rver = s3rver;
        _fake.OnCompleted = new JobOutputWriter(_ => s3rver.CreateClient(), arn => arn).Write;
        _server = new AwsModelServer(new ServiceModel("botocore-medical-imaging-2023-07-19.service-2.json"), _fake.Handle);
        _services = AwsTestServices.Build(
            new Dictionary<string, string?>
            {
                ["Gateway:Aws:Region"] = AwsModelServer.Region,
                ["Gateway:Aws:RetryBaseDelay"] = "00:00:00.010",
                ["Gateway:Aws:ForcePathStyle"] = "true",
            },
            new Dictionary<string, string>
            {
                ["AWS_ENDPOINT_URL_MEDICAL_IMAGING"] = _server.Endpoint.ToString(),
                ["AWS_ENDPOINT_URL"] = s3rver.Endpoint.ToString(),
            },
            (services, configuration) => services.AddHealthImaging(configuration));
    }

    protected override IImagingService Imaging => _services.GetRequiredService<IImagingService>();

    public void Dispose()
    {
        var violations = _server.Violations.ToList();
        _services.Dispose();
        _server.Dispose();
        Assert.Empty(violations); // every request the contract made was valid against the service model
    }

    protected override async Task<StartImportRequest> PrepareImportAsync(string clientToken)
    {
        var prefix = $"dicom/2026/11/28/{clientToken}/";
        using var s3 = _s3rver.CreateClient();
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = S3rverFixture.DicomBucket,
            Key = prefix + "1.2.840.99.1.1.dcm",
            ContentBody = "DICM " + clientToken,
            UseChunkEncoding = false,
        });
        return new StartImportRequest(
            "0123456789abcdef0123456789abcdef",
            "arn:aws:iam::111122223333:role/HealthImagingImport",
            $"s3://{S3rverFixture.DicomBucket}/{prefix}",
            $"s3://{S3rverFixture.ResultsBucket}/{clientToken}/",
            clientToken,
            clientToken);
    }
}
