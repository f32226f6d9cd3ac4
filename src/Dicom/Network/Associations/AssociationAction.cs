namespace ImagingGateway.Dicom.Network.Associations;

/// <summary>Actions of the upper layer state machine (PS3.8 9.2.2, Table 9-3 to 9-9), named for what they do.</summary>
public enum AssociationAction
{
    /// <summary>AE-1: issue transport connect.</summary>
    ConnectTransport,

    /// <summary>AE-2: send A-ASSOCIATE-RQ.</summary>
    SendAssociateRequest,

    /// <summary>AE-3: issue A-ASSOCIATE confirmation (accept).</summary>
    ConfirmAccepted,

    /// <summary>AE-4: issue A-ASSOCIATE confirmation (reject) and close transport.</summary>
    ConfirmRejected,

    /// <summary>AE-5: issue transport connection response, start ARTIM.</summary>
    AcceptTransport,

    /// <summary>AE-6: stop ARTIM, examine the A-ASSOCIATE-RQ.</summary>
    ExamineAssociateRequest,

    /// <summary>AE-7: send A-ASSOCIATE-AC.</summary>
    SendAssociateAccept,

    /// <summary>AE-8: send A-ASSOCIATE-RJ, start ARTIM.</summary>
    SendAssociateReject,

    /// <summary>DT-1: send P-DATA-TF.</summary>
    SendData,

    /// <summary>DT-2 / AR-6: issue P-DATA indication.</summary>
    DeliverData,

    /// <summary>AR-1: send A-RELEASE-RQ.</summary>
    SendReleaseRequest,

    /// <summary>AR-2: issue A-RELEASE indication.</summary>
    IndicateRelease,

    /// <summary>AR-3: issue A-RELEASE confirmation, close transport.</summary>
    ConfirmReleaseAndClose,

    /// <summary>AR-4: send A-RELEASE-RP, start ARTIM.</summary>
    SendReleaseResponse,

    /// <summary>AR-5: stop ARTIM (transport closed in Sta13).</summary>
    StopArtim,

    /// <summary>AR-7: send P-DATA-TF while awaiting the local release response.</summary>
    SendDataWhileReleasing,

    /// <summary>AR-8: release collision, issue A-RELEASE indication.</summary>
    IndicateReleaseCollision,

    /// <summary>AR-9: send A-RELEASE-RP (collision, requestor side).</summary>
    SendCollisionReleaseResponse,

    /// <summary>AR-10: issue A-RELEASE confirmation (collision, acceptor side).</summary>
    ConfirmCollisionRelease,

    /// <summary>AA-1: send A-ABORT (service-user), start ARTIM.</summary>
    SendAbort,

    /// <summary>AA-2: stop ARTIM, close transport.</summary>
    CloseTransport,

    /// <summary>AA-3: issue A-ABORT indication, close transport.</summary>
    IndicateAbortAndClose,

    /// <summary>AA-4: issue A-P-ABORT indication (transport lost).</summary>
    IndicateProviderAbort,

    /// <summary>AA-5: stop ARTIM (transport closed in Sta2).</summary>
    StopArtimIdle,

    /// <summary>AA-6: ignore the PDU.</summary>
    Ignore,

    /// <summary>AA-7: send A-ABORT.</summary>
    SendAbortInClosing,

    /// <summary>AA-8: send A-ABORT (service-provider), issue A-P-ABORT indication, start ARTIM.</summary>
    SendProviderAbort,
}
