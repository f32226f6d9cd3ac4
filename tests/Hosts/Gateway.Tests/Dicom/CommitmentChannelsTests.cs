using ImagingGateway.Dicom.Network.Server;
using ImagingGateway.Gateway.Dicom;
using Moq;

namespace ImagingGateway.Gateway.Tests.Dicom;

/// <summary>
/// A request whose N-ACTION this process answered stays held here (due here before other Gateway tasks take it over,
/// issue #26) until it is reported or given up, while its association is handed out for one report only.
/// </summary>
public sealed class CommitmentChannelsTests
{
    [Fact]
    public void GivenARegisteredRequest_WhenItsChannelIsTaken_ThenItIsHandedOutOnceAndTheRequestStaysHeldUntilForgotten()
    {
        var channels = new CommitmentChannels();
        var channel = Mock.Of<IEventReportChannel>();
        channels.Register("2.25.1", channel);

        var first = channels.Take("2.25.1");
        var second = channels.Take("2.25.1");
        var heldAfterTaking = channels.Held();
        channels.Forget("2.25.1");

        Assert.Same(channel, first);
        Assert.Null(second);
        Assert.Equal(["2.25.1"], heldAfterTaking);
        Assert.Empty(channels.Held());
    }

    [Fact]
    public void GivenARequestNeverAnsweredHere_WhenLookedUp_ThenNoChannelAndNotHeld()
    {
        var channels = new CommitmentChannels();
        channels.Register("2.25.1", Mock.Of<IEventReportChannel>());

        Assert.Null(channels.Take("2.25.2"));
        Assert.DoesNotContain("2.25.2", channels.Held());
    }
}
