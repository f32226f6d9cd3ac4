namespace ImagingGateway.Dicom.Network.Associations;

/// <summary>Events of the upper layer state machine (PS3.8 9.2.2, Table 9-2).</summary>
public enum AssociationEvent
{
    /// <summary>Evt1: A-ASSOCIATE request primitive (local).</summary>
    LocalAssociateRequest = 1,

    /// <summary>Evt2: transport connection confirm.</summary>
    TransportConnectConfirm = 2,

    /// <summary>Evt3: A-ASSOCIATE-AC PDU received.</summary>
    AssociateAcceptReceived = 3,

    /// <summary>Evt4: A-ASSOCIATE-RJ PDU received.</summary>
    AssociateRejectReceived = 4,

    /// <summary>Evt5: transport connection indication.</summary>
    TransportConnectIndication = 5,

    /// <summary>Evt6: A-ASSOCIATE-RQ PDU received.</summary>
    AssociateRequestReceived = 6,

    /// <summary>Evt7: A-ASSOCIATE response primitive (accept).</summary>
    LocalAssociateAccept = 7,

    /// <summary>Evt8: A-ASSOCIATE response primitive (reject).</summary>
    LocalAssociateReject = 8,

    /// <summary>Evt9: P-DATA request primitive.</summary>
    LocalDataRequest = 9,

    /// <summary>Evt10: P-DATA-TF PDU received.</summary>
    DataReceived = 10,

    /// <summary>Evt11: A-RELEASE request primitive.</summary>
    LocalReleaseRequest = 11,

    /// <summary>Evt12: A-RELEASE-RQ PDU received.</summary>
    ReleaseRequestReceived = 12,

    /// <summary>Evt13: A-RELEASE-RP PDU received.</summary>
    ReleaseResponseReceived = 13,

    /// <summary>Evt14: A-RELEASE response primitive.</summary>
    LocalReleaseResponse = 14,

    /// <summary>Evt15: A-ABORT request primitive.</summary>
    LocalAbort = 15,

    /// <summary>Evt16: A-ABORT PDU received.</summary>
    AbortReceived = 16,

    /// <summary>Evt17: transport connection closed.</summary>
    TransportClosed = 17,

    /// <summary>Evt18: ARTIM timer expired.</summary>
    ArtimExpired = 18,

    /// <summary>Evt19: unrecognized or invalid PDU received.</summary>
    InvalidPduReceived = 19,
}
