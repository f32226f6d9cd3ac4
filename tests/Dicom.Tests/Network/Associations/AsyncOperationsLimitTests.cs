using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Pdus.Items;

namespace ImagingGateway.Dicom.Tests.Network.Associations;

/// <summary>PS3.7 D.3.3.3: the acceptor grants at most what was proposed, 0 meaning unlimited.</summary>
public class AsyncOperationsLimitTests
{
    [Theory]
    [InlineData(4, 0, 4, 1)]
    [InlineData(0, 0, 16, 1)]
    [InlineData(64, 3, 16, 1)]
    [InlineData(1, 1, 1, 1)]
    public void GivenALimitOf16_WhenAWindowIsProposed_ThenEachValueIsAtMostTheProposedAndOurs(int invoked, int performed, int grantedInvoked, int grantedPerformed)
    {
        var answer = new AsyncOperationsLimit(16, 1).Answer(new AsynchronousOperationsWindow((ushort)invoked, (ushort)performed));

        Assert.Equal(new AsynchronousOperationsWindow((ushort)grantedInvoked, (ushort)grantedPerformed), answer);
    }

    [Fact]
    public void GivenAProposalOf16_WhenTheAcceptorAnswers_ThenTheRequestorUsesWhatWasGranted()
    {
        var ours = new AsyncOperationsLimit(16, 1);

        Assert.Equal(1, ours.GrantedTo(null));
        Assert.Equal(8, ours.GrantedTo(new AsynchronousOperationsWindow(8, 1)));
        Assert.Equal(16, ours.GrantedTo(new AsynchronousOperationsWindow(0, 1)));
        Assert.Equal(1, ours.GrantedTo(new AsynchronousOperationsWindow(1, 1)));
    }

    [Fact]
    public void GivenZero_WhenALimitIsMade_ThenItIsRefusedSinceZeroMeansUnlimitedOnTheWire()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AsyncOperationsLimit(0, 1));
        Assert.False(new AsyncOperationsLimit(1, 1).IsAsynchronous);
        Assert.True(new AsyncOperationsLimit(2, 1).IsAsynchronous);
    }
}
