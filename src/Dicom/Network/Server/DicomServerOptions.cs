using System.Net;
using System.Security.Cryptography.X509Certificates;
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

    /// <summary>TLS (PS3.15 B.1) when set; the certificate must carry its private key.</summary>
    public X509Certificate2? ServerCertificate { get; init; }

    /// <summary>Ask for and verify a client certificate.</summary>
    public bool RequireClientCertificate { get; init; }

    /// <summary>Roots trusted for client certificates; when empty the system store is used.</summary>
    public X509Certificate2Collection TrustedClientRoots { get; init; } = [];

    public TimeSpan TlsHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
