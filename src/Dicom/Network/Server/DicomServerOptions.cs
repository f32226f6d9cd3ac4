using System.Net;
using ImagingGateway.Dicom.Network.Associations;

namespace ImagingGateway.Dicom.Network.Server;

/// <summary>Listener settings of the standalone <see cref="DicomServer"/>.</summary>
public sealed record DicomServerOptions
{
    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    /// <summary>TCP port; 0 picks a free one (see <see cref="DicomServer.LocalEndPoint"/>).</summary>
    public int Port { get; init; } = 11112;

    public AssociationOptions Association { get; init; } = new();

    /// <summary>
    /// Associations served at once. A connection beyond it gets its A-ASSOCIATE-RQ answered with A-ASSOCIATE-RJ
    /// <see cref="DicomAssociationHandler.LocalLimitExceeded"/> (transient: the peer may retry later).
    /// </summary>
    public int MaxConcurrentAssociations { get; init; } = 256;

    /// <summary>
    /// Over-capacity connections being rejected at once (each holds a socket for at most two ARTIM periods); beyond
    /// it a connection is closed at once without reading its request.
    /// </summary>
    public int MaxConcurrentRejections { get; init; } = 64;

    /// <summary>TLS (PS3.15 B.1) when set, with its client certificate mode and trusted client roots.</summary>
    public DicomTlsOptions? Tls { get; init; }
}
