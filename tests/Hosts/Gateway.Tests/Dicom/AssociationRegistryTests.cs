using ImagingGateway.Gateway.Configuration;
using ImagingGateway.Gateway.Dicom;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Gateway.Tests.Dicom;

public sealed class AssociationRegistryTests
{
    [Fact]
    public void GivenMaxTwoAssociations_WhenAssociationsOpenAndClose_ThenAThirdWaitsForAFreeSlot()
    {
        using var registry = new AssociationRegistry(Options.Create(new GatewayOptions { MaxAssociations = 2 }), new Lifetime());

        Assert.Equal(0, registry.Active);
        Assert.True(registry.TryEnter());
        Assert.True(registry.TryEnter());
        Assert.False(registry.TryEnter());
        Assert.Equal(2, registry.Active);
        registry.Exit();
        Assert.Equal(1, registry.Active);
        Assert.True(registry.TryEnter());
        registry.Exit();
        registry.Exit();
        Assert.Equal(0, registry.Active);
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
