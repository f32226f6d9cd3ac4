using ImagingGateway.Dicom.Network.Client;
using ImagingGateway.Gateway.Hosting;
using ImagingGateway.Gateway.Hosting.LocalPipeline;
using ImagingGateway.Gateway.Tests.Support;
using ImagingGateway.Infrastructure.Local.Workflow;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ImagingGateway.Gateway.Tests.Hosting;

/// <summary>The composed host, in-process: Kestrel serves the DICOM port through the connection handler and HTTP beside it.</summary>
public sealed class GatewayHostTests
{
    [Fact]
    public async Task GivenTheComposedHost_WhenStarted_ThenKestrelListensOnTheDicomAndHttpPortsAndTheDicomPortAnswersAnEcho()
    {
        using var temp = new TempDirectory();
        var ports = FreePorts.Take(2);
        Assert.True(GatewayHost.TryBuild(
            [$"--Gateway:Port={ports[0]}", $"--Gateway:HttpPort={ports[1]}", "--Gateway:ListenAddress=127.0.0.1", $"--Gateway:DataDirectory={temp.Path}"],
            new Dictionary<string, string?>(),
            out var app,
            out var errors), string.Join("; ", errors));
        await using var _ = app;

        await app.StartAsync();
        try
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            var echo = await new DicomClient(new DicomClientOptions { CalledAeTitle = "IMAGINGGW" })
                .EchoAsync("127.0.0.1", ports[0], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

            // Kestrel shows every endpoint that is not an IP endpoint with its HTTP scheme in front.
            Assert.Contains($"http://dicom://127.0.0.1:{ports[0]}", addresses);
            Assert.Contains($"http://127.0.0.1:{ports[1]}", addresses);
            Assert.True(echo.IsSuccess);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public void GivenTheLocalAdapters_WhenTheHostIsComposed_ThenTheHostDrivesTheLocalPipeline()
    {
        using var temp = new TempDirectory();
        Assert.True(GatewayHost.TryBuild([$"--Gateway:DataDirectory={temp.Path}"], new Dictionary<string, string?>(), out var app, out var errors), string.Join("; ", errors));
        using var _ = (IDisposable)app;

        var hosted = app.Services.GetServices<IHostedService>().Select(s => s.GetType()).ToList();
        Assert.Contains(typeof(InProcessWorkflowHostedService), hosted);
        Assert.Contains(typeof(ObjectCreatedDispatcher), hosted);
        Assert.Contains(typeof(SqliteInstanceIndexHostedService), hosted);
        Assert.Contains(typeof(LocalImagingHostedService), hosted);
        Assert.IsType<MediatorImportWorkflowSteps>(app.Services.GetRequiredService<IImportWorkflowSteps>());
    }
}
