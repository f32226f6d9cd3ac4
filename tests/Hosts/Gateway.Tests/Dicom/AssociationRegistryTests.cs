using ImagingGateway.Gateway.Configuration;
using ImagingGateway.Gateway.Dicom;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Gateway.Tests.Dicom;

public sealed class AssociationRegistryTests
{
    [Fact]
    public void GivenAssociationsOpeningAndClosing_WhenAskedWhetherTheGatewayIsReceiving_ThenItIsWhileAnyIsOpen()
    {
        using var registry = new AssociationRegistry(Options.Create(new GatewayOptions { MaxAssociations = 2 }), new Lifetime());

        Assert.False(registry.IsReceiving);
        Assert.True(registry.TryEnter());
        Assert.True(registry.TryEnter());
        Assert.False(registry.TryEnter());
        Assert.True(registry.IsReceiving);
        registry.Exit();
        Assert.True(registry.IsReceiving);
        registry.Exit();
        Assert.False(registry.IsReceiving);
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
