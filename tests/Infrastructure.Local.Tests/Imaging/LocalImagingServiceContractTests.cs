using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Local.Imaging;
using ImagingGateway.Infrastructure.Local.Sqlite;
using ImagingGateway.Infrastructure.Local.Tests.TestSupport;
using ImagingGateway.Tests.Contracts;

namespace ImagingGateway.Infrastructure.Local.Tests.Imaging;

public sealed class LocalImagingServiceContractTests : ImagingServiceContract, IAsyncLifetime
{
    private const string Study = "1.2.826.0.1.3680043.10.9.7";
    private readonly TempDirectory _temp = new();
    private readonly LocalImagingService _imaging;

    public LocalImagingServiceContractTests()
    {
        var options = new LocalImagingOptions { Directory = _temp.Combine("imaging"), InputRoot = _temp.Combine("instances"), Durable = false };
        _imaging = new LocalImagingService(options, new SqliteDatabase(_temp.Combine("imaging", "imaging.db")));
    }

    protected override IImagingService Imaging => _imaging;

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit v2 disposes a test class through IAsyncLifetime; it never calls IAsyncDisposable.DisposeAsync.
    public async Task DisposeAsync()
    {
        await _imaging.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    protected override Task<StartImportRequest> PrepareImportAsync(string clientToken)
    {
        var prefix = $"dicom/2026/11/28/{clientToken}/";
        var path = _temp.Combine("instances", prefix, $"{Study}.1.1.dcm");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, TestDicomFiles.Create($"{Study}.1.1", Study, $"{Study}.1"));
        return Task.FromResult(new StartImportRequest(
            "local-datastore",
            "arn:aws:iam::000000000000:role/local-import",
            new Uri(_temp.Combine("instances", prefix)).AbsoluteUri,
            new Uri(_temp.Combine("results", clientToken) + "/").AbsoluteUri,
            clientToken,
            clientToken));
    }
}
