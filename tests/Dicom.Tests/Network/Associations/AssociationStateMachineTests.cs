using ImagingGateway.Dicom.Network.Associations;

namespace ImagingGateway.Dicom.Tests.Network.Associations;

public class AssociationStateMachineTests
{
    [Fact]
    public void GivenAcceptor_WhenRequestAcceptedThenReleased_ThenFollowsTable910()
    {
        var machine = new AssociationStateMachine(isRequestor: false);
        Assert.Equal(AssociationAction.AcceptTransport, machine.Fire(AssociationEvent.TransportConnectIndication));
        Assert.True(machine.ArtimRunning);
        Assert.Equal(AssociationAction.ExamineAssociateRequest, machine.Fire(AssociationEvent.AssociateRequestReceived));
        Assert.Equal(AssociationAction.SendAssociateAccept, machine.Fire(AssociationEvent.LocalAssociateAccept));
        Assert.Equal(AssociationState.Established, machine.State);
        Assert.Equal(AssociationAction.DeliverData, machine.Fire(AssociationEvent.DataReceived));
        Assert.Equal(AssociationAction.SendData, machine.Fire(AssociationEvent.LocalDataRequest));
        Assert.Equal(AssociationAction.IndicateRelease, machine.Fire(AssociationEvent.ReleaseRequestReceived));
        Assert.Equal(AssociationAction.SendReleaseResponse, machine.Fire(AssociationEvent.LocalReleaseResponse));
        Assert.Equal(AssociationState.AwaitingTransportClose, machine.State);
        Assert.True(machine.ArtimRunning);
        Assert.Equal(AssociationAction.StopArtim, machine.Fire(AssociationEvent.TransportClosed));
        Assert.Equal(AssociationState.Idle, machine.State);
    }

    [Fact]
    public void GivenRequestorReleasing_WhenPeerAlsoRequestsRelease_ThenCollisionIsResolvedRequestorFirst()
    {
        var machine = new AssociationStateMachine(isRequestor: true);
        machine.Fire(AssociationEvent.LocalAssociateRequest);
        machine.Fire(AssociationEvent.TransportConnectConfirm);
        Assert.Equal(AssociationAction.ConfirmAccepted, machine.Fire(AssociationEvent.AssociateAcceptReceived));
        Assert.Equal(AssociationAction.SendReleaseRequest, machine.Fire(AssociationEvent.LocalReleaseRequest));
        Assert.Equal(AssociationAction.IndicateReleaseCollision, machine.Fire(AssociationEvent.ReleaseRequestReceived));
        Assert.Equal(AssociationState.CollisionRequestorAwaitingLocalResponse, machine.State);
        Assert.Equal(AssociationAction.SendCollisionReleaseResponse, machine.Fire(AssociationEvent.LocalReleaseResponse));
        Assert.Equal(AssociationAction.ConfirmReleaseAndClose, machine.Fire(AssociationEvent.ReleaseResponseReceived));
        Assert.Equal(AssociationState.Idle, machine.State);
    }

    [Fact]
    public void GivenAcceptorInCollision_WhenReleaseResponseArrives_ThenWaitsForLocalResponse()
    {
        var machine = Established(isRequestor: false);
        machine.Fire(AssociationEvent.LocalReleaseRequest);
        Assert.Equal(AssociationAction.IndicateReleaseCollision, machine.Fire(AssociationEvent.ReleaseRequestReceived));
        Assert.Equal(AssociationState.CollisionAcceptorAwaitingReleaseResponse, machine.State);
        Assert.Equal(AssociationAction.ConfirmCollisionRelease, machine.Fire(AssociationEvent.ReleaseResponseReceived));
        Assert.Equal(AssociationAction.SendReleaseResponse, machine.Fire(AssociationEvent.LocalReleaseResponse));
        Assert.Equal(AssociationState.AwaitingTransportClose, machine.State);
    }

    [Theory]
    [InlineData(AssociationEvent.AssociateAcceptReceived)]
    [InlineData(AssociationEvent.AssociateRejectReceived)]
    [InlineData(AssociationEvent.AssociateRequestReceived)]
    [InlineData(AssociationEvent.ReleaseResponseReceived)]
    [InlineData(AssociationEvent.InvalidPduReceived)]
    public void GivenEstablished_WhenUnexpectedPduArrives_ThenProviderAbortAndArtim(AssociationEvent evt)
    {
        var machine = Established(isRequestor: false);
        Assert.Equal(AssociationAction.SendProviderAbort, machine.Fire(evt));
        Assert.Equal(AssociationState.AwaitingTransportClose, machine.State);
        Assert.Equal(AssociationAction.Ignore, machine.Fire(AssociationEvent.DataReceived));
        Assert.Equal(AssociationAction.CloseTransport, machine.Fire(AssociationEvent.ArtimExpired));
    }

    [Fact]
    public void GivenAwaitingRequest_WhenOtherPduOrTimeout_ThenAbortOrClose()
    {
        var machine = new AssociationStateMachine(isRequestor: false);
        machine.Fire(AssociationEvent.TransportConnectIndication);
        Assert.Equal(AssociationAction.SendAbort, machine.Fire(AssociationEvent.DataReceived));
        var idle = new AssociationStateMachine(isRequestor: false);
        idle.Fire(AssociationEvent.TransportConnectIndication);
        Assert.Equal(AssociationAction.CloseTransport, idle.Fire(AssociationEvent.ArtimExpired));
        Assert.Throws<InvalidOperationException>(() => idle.Fire(AssociationEvent.LocalDataRequest));
    }

    private static AssociationStateMachine Established(bool isRequestor)
    {
        var machine = new AssociationStateMachine(isRequestor);
        machine.Fire(AssociationEvent.TransportConnectIndication);
        machine.Fire(AssociationEvent.AssociateRequestReceived);
        machine.Fire(AssociationEvent.LocalAssociateAccept);
        return machine;
    }
}
