using System.Security.Cryptography.X509Certificates;

namespace ImagingGateway.Dicom.Network.Server;

/// <summary>
/// TLS on a <see cref="DicomListener"/> endpoint: the secure transport connection profile of PS3.15 B.1 (TLS 1.2 or 1.3
/// here), with optional client certificate verification.
/// </summary>
public sealed record DicomTlsOptions
{
    /// <summary>The server's certificate; it must carry its private key. Owned by the caller.</summary>
    public required X509Certificate2 ServerCertificate { get; init; }

    public ClientCertificateMode ClientCertificate { get; init; } = ClientCertificateMode.None;

    /// <summary>
    /// Roots a client certificate must chain to (revocation not checked); when null, the system trust store decides.
    /// A collection, even an empty one, replaces the system store.
    /// </summary>
    public X509Certificate2Collection? TrustedClientRoots { get; init; }

    /// <summary>A connection whose handshake has not completed by then is closed.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
