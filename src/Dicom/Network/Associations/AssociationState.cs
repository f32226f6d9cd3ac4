namespace ImagingGateway.Dicom.Network.Associations;

/// <summary>States of the DICOM upper layer state machine (PS3.8 9.2.1, Table 9-1).</summary>
public enum AssociationState
{
    /// <summary>Sta1: idle, no transport.</summary>
    Idle = 1,

    /// <summary>Sta2: transport open, awaiting A-ASSOCIATE-RQ (ARTIM running).</summary>
    AwaitingAssociateRequest = 2,

    /// <summary>Sta3: awaiting the local A-ASSOCIATE response primitive.</summary>
    AwaitingLocalAssociateResponse = 3,

    /// <summary>Sta4: awaiting transport connection to complete.</summary>
    AwaitingTransportOpen = 4,

    /// <summary>Sta5: awaiting A-ASSOCIATE-AC or -RJ.</summary>
    AwaitingAssociateResponse = 5,

    /// <summary>Sta6: association established, ready for data transfer.</summary>
    Established = 6,

    /// <summary>Sta7: awaiting A-RELEASE-RP.</summary>
    AwaitingReleaseResponse = 7,

    /// <summary>Sta8: awaiting the local A-RELEASE response primitive.</summary>
    AwaitingLocalReleaseResponse = 8,

    /// <summary>Sta9: release collision, requestor side, awaiting the local A-RELEASE response primitive.</summary>
    CollisionRequestorAwaitingLocalResponse = 9,

    /// <summary>Sta10: release collision, acceptor side, awaiting A-RELEASE-RP.</summary>
    CollisionAcceptorAwaitingReleaseResponse = 10,

    /// <summary>Sta11: release collision, requestor side, awaiting A-RELEASE-RP.</summary>
    CollisionRequestorAwaitingReleaseResponse = 11,

    /// <summary>Sta12: release collision, acceptor side, awaiting the local A-RELEASE response primitive.</summary>
    CollisionAcceptorAwaitingLocalResponse = 12,

    /// <summary>Sta13: awaiting transport close (ARTIM running).</summary>
    AwaitingTransportClose = 13,
}
