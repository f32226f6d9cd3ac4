namespace ImagingGateway.Dicom.Network.Associations;

/// <summary>
/// The DICOM upper layer state transition table (PS3.8 9.2.3, Table 9-10). The association loops of the server
/// and the client feed every received PDU and every local primitive through <see cref="Fire"/> and perform the
/// returned action; a local primitive that the table does not allow in the current state is a programming error.
/// </summary>
public sealed class AssociationStateMachine(bool isRequestor)
{
    public AssociationState State { get; private set; } = AssociationState.Idle;

    public bool IsRequestor { get; } = isRequestor;

    /// <summary>Whether ARTIM should be running (Sta2 and Sta13).</summary>
    public bool ArtimRunning => State is AssociationState.AwaitingAssociateRequest or AssociationState.AwaitingTransportClose;

    /// <summary>Applies an event; returns the action to perform. AE-6's outcome is applied with Evt7/Evt8 in Sta3.</summary>
    /// <exception cref="InvalidOperationException">A local primitive not allowed in the current state.</exception>
    public AssociationAction Fire(AssociationEvent evt)
    {
        var (action, next) = Transition(State, evt);
        State = next;
        return action;
    }

    private (AssociationAction Action, AssociationState Next) Transition(AssociationState state, AssociationEvent evt)
    {
        const AssociationState Sta1 = AssociationState.Idle;
        const AssociationState Sta13 = AssociationState.AwaitingTransportClose;
        var inAssociation = state is >= AssociationState.AwaitingLocalAssociateResponse and <= AssociationState.CollisionAcceptorAwaitingLocalResponse;
        var inProgress = state is AssociationState.AwaitingLocalAssociateResponse or >= AssociationState.AwaitingAssociateResponse and <= AssociationState.CollisionAcceptorAwaitingLocalResponse;

        switch (evt)
        {
            case AssociationEvent.LocalAssociateRequest when state == Sta1:
                return (AssociationAction.ConnectTransport, AssociationState.AwaitingTransportOpen);
            case AssociationEvent.TransportConnectConfirm when state == AssociationState.AwaitingTransportOpen:
                return (AssociationAction.SendAssociateRequest, AssociationState.AwaitingAssociateResponse);
            case AssociationEvent.TransportConnectIndication when state == Sta1:
                return (AssociationAction.AcceptTransport, AssociationState.AwaitingAssociateRequest);

            case AssociationEvent.AssociateAcceptReceived when state == AssociationState.AwaitingAssociateResponse:
                return (AssociationAction.ConfirmAccepted, AssociationState.Established);
            case AssociationEvent.AssociateRejectReceived when state == AssociationState.AwaitingAssociateResponse:
                return (AssociationAction.ConfirmRejected, Sta1);
            case AssociationEvent.AssociateRequestReceived when state == AssociationState.AwaitingAssociateRequest:
                return (AssociationAction.ExamineAssociateRequest, AssociationState.AwaitingLocalAssociateResponse);
            case AssociationEvent.AssociateRequestReceived when state == Sta13:
                return (AssociationAction.SendAbortInClosing, Sta13);
            case AssociationEvent.LocalAssociateAccept when state == AssociationState.AwaitingLocalAssociateResponse:
                return (AssociationAction.SendAssociateAccept, AssociationState.Established);
            case AssociationEvent.LocalAssociateReject when state == AssociationState.AwaitingLocalAssociateResponse:
                return (AssociationAction.SendAssociateReject, Sta13);

            case AssociationEvent.LocalDataRequest when state == AssociationState.Established:
                return (AssociationAction.SendData, AssociationState.Established);
            case AssociationEvent.LocalDataRequest when state == AssociationState.AwaitingLocalReleaseResponse:
                return (AssociationAction.SendDataWhileReleasing, state);
            case AssociationEvent.DataReceived when state is AssociationState.Established or AssociationState.AwaitingReleaseResponse:
                return (AssociationAction.DeliverData, state);

            case AssociationEvent.LocalReleaseRequest when state == AssociationState.Established:
                return (AssociationAction.SendReleaseRequest, AssociationState.AwaitingReleaseResponse);
            case AssociationEvent.ReleaseRequestReceived when state == AssociationState.Established:
                return (AssociationAction.IndicateRelease, AssociationState.AwaitingLocalReleaseResponse);
            case AssociationEvent.ReleaseRequestReceived when state == AssociationState.AwaitingReleaseResponse:
                return (AssociationAction.IndicateReleaseCollision,
                    IsRequestor ? AssociationState.CollisionRequestorAwaitingLocalResponse : AssociationState.CollisionAcceptorAwaitingReleaseResponse);
            case AssociationEvent.ReleaseResponseReceived when state is AssociationState.AwaitingReleaseResponse or AssociationState.CollisionRequestorAwaitingReleaseResponse:
                return (AssociationAction.ConfirmReleaseAndClose, Sta1);
            case AssociationEvent.ReleaseResponseReceived when state == AssociationState.CollisionAcceptorAwaitingReleaseResponse:
                return (AssociationAction.ConfirmCollisionRelease, AssociationState.CollisionAcceptorAwaitingLocalResponse);
            case AssociationEvent.LocalReleaseResponse when state is AssociationState.AwaitingLocalReleaseResponse or AssociationState.CollisionAcceptorAwaitingLocalResponse:
                return (AssociationAction.SendReleaseResponse, Sta13);
            case AssociationEvent.LocalReleaseResponse when state == AssociationState.CollisionRequestorAwaitingLocalResponse:
                return (AssociationAction.SendCollisionReleaseResponse, AssociationState.CollisionRequestorAwaitingReleaseResponse);

            case AssociationEvent.LocalAbort when state == AssociationState.AwaitingTransportOpen:
                return (AssociationAction.CloseTransport, Sta1);
            case AssociationEvent.LocalAbort when inProgress:
                return (AssociationAction.SendAbort, Sta13);
            case AssociationEvent.LocalAbort when state is AssociationState.AwaitingAssociateRequest or Sta13 or Sta1:
                // Nothing negotiated yet or already closing: just drop the transport.
                return (AssociationAction.CloseTransport, Sta1);

            case AssociationEvent.AbortReceived when state is AssociationState.AwaitingAssociateRequest or Sta13:
                return (AssociationAction.CloseTransport, Sta1);
            case AssociationEvent.AbortReceived when inProgress:
                return (AssociationAction.IndicateAbortAndClose, Sta1);

            case AssociationEvent.TransportClosed when state == AssociationState.AwaitingAssociateRequest:
                return (AssociationAction.StopArtimIdle, Sta1);
            case AssociationEvent.TransportClosed when state == Sta13:
                return (AssociationAction.StopArtim, Sta1);
            case AssociationEvent.TransportClosed when inAssociation || state == AssociationState.AwaitingTransportOpen:
                return (AssociationAction.IndicateProviderAbort, Sta1);

            case AssociationEvent.ArtimExpired when state is AssociationState.AwaitingAssociateRequest or Sta13:
                return (AssociationAction.CloseTransport, Sta1);

            case AssociationEvent.InvalidPduReceived when state == AssociationState.AwaitingAssociateRequest:
                return (AssociationAction.SendAbort, Sta13);
            case AssociationEvent.InvalidPduReceived when state == Sta13:
                return (AssociationAction.SendAbortInClosing, Sta13);
            case AssociationEvent.InvalidPduReceived when inProgress:
                return (AssociationAction.SendProviderAbort, Sta13);

            // Any other received PDU: AA-1 in Sta2, AA-6 (ignore) in Sta13, AA-8 elsewhere.
            case AssociationEvent.AssociateAcceptReceived or AssociationEvent.AssociateRejectReceived or AssociationEvent.AssociateRequestReceived
                or AssociationEvent.DataReceived or AssociationEvent.ReleaseRequestReceived or AssociationEvent.ReleaseResponseReceived:
                return state switch
                {
                    AssociationState.AwaitingAssociateRequest => (AssociationAction.SendAbort, Sta13),
                    Sta13 => (AssociationAction.Ignore, Sta13),
                    _ when inProgress => (AssociationAction.SendProviderAbort, Sta13),
                    _ => throw new InvalidOperationException($"PDU event {evt} in state {state}."),
                };
            default:
                throw new InvalidOperationException($"Event {evt} is not allowed in state {state}.");
        }
    }
}
