namespace ImagingGateway.Dicom.Network.Associations;

/// <summary>Limits and timeouts of one association (both roles).</summary>
public sealed record AssociationOptions
{
    /// <summary>Largest P-DATA-TF variable field we accept, advertised in our maximum length sub-item (PS3.8 D.1).</summary>
    public uint MaxPduLength { get; init; } = 256 * 1024;

    /// <summary>Cap on the P-DATA PDUs we send when the peer advertises 0 (unlimited).</summary>
    public uint MaxSendPduLength { get; init; } = 256 * 1024;

    /// <summary>Largest A-ASSOCIATE-RQ/AC we buffer before the association exists.</summary>
    public uint MaxAssociatePduLength { get; init; } = 256 * 1024;

    /// <summary>ARTIM (PS3.8 9.1.5): waiting for the A-ASSOCIATE-RQ, and for the peer to close after RJ/RP/ABORT.</summary>
    public TimeSpan ArtimTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest silence inside an established association (waiting for the next PDU) before we abort.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest time a send may block on a peer that does not read.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Asynchronous operations window (PS3.7 D.3.3.3): as acceptor, the most we grant when the requestor proposes one
    /// (the answer carries the sub-item only then); as requestor, what we propose (nothing when it is 1/1).
    /// </summary>
    public AsyncOperationsLimit AsyncOperations { get; init; } = new(1, 1);

    public string ImplementationClassUid { get; init; } = NetworkUids.ImplementationClassUid;

    public string ImplementationVersionName { get; init; } = NetworkUids.ImplementationVersionName;
}
