using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Tests.Contracts;

namespace ImagingGateway.Application.Tests.InMemory;

public sealed class FakeImagingServiceContractTests : ImagingServiceContract
{
    private readonly InMemoryInstanceStore _store = new(TimeProvider.System);
    private readonly FakeImagingService _imaging;

    public FakeImagingServiceContractTests() => _imaging = new FakeImagingService(_store, TimeProvider.System);

    protected override IImagingService Imaging => _imaging;

    protected override Task<StartImportRequest> PrepareImportAsync(string clientToken)
    {
        var prefix = $"dicom/2026/11/28/{clientToken}/";
        _store.Put(prefix + "1.2.840.99.1.1.dcm", [0x44, 0x49, 0x43, 0x4D]);
        return Task.FromResult(new StartImportRequest(
            "0123456789abcdef0123456789abcdef", "arn:aws:iam::111122223333:role/import", _store.LocationOf(prefix), $"mem://results/{clientToken}/", clientToken, clientToken));
    }
}
