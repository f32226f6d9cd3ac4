using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;
using ImagingGateway.Tests.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace ImagingGateway.Infrastructure.Aws.Tests.HealthImaging;

/// <summary>
/// The contract against HealthImaging's service model on loopback. The emulator runs jobs without reading their input
/// (reading S3 is the service's part, not the adapter's), so preparing an import only builds its request.
/// </summary>
public sealed class HealthImagingServiceContractTests : ImagingServiceContract, IDisposable
{
    private readonly FakeHealthImaging _fake = new();
    private readonly AwsModelServer _server;
    private readonly ServiceProvider _services;

    public HealthImagingServiceContractTests()
    {
        _server = new AwsModelServer(new ServiceModel("botocore-medical-imaging-2023-07-19.service-2.json"), _fake.Handle);
        _services = AwsTestServices.Build(
            new Dictionary<string, string?>
            {
                ["Gateway:Aws:Region"] = AwsModelServer.Region,
                ["Gateway:Aws:RetryBaseDelay"] = "00:00:00.010",
            },
            new Dictionary<string, string> { ["AWS_ENDPOINT_URL_MEDICAL_IMAGING"] = _server.Endpoint.ToString() },
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

    protected override Task<StartImportRequest> PrepareImportAsync(string clientToken) => Task.FromResult(new StartImportRequest(
        "0123456789abcdef0123456789abcdef",
        "arn:aws:iam::111122223333:role/HealthImagingImport",
        $"s3://dicom/dicom/2026/11/28/{clientToken}/",
        $"s3://results/{clientToken}/",
        clientToken,
        clientToken));
}
