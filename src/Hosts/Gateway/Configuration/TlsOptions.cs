using ImagingGateway.Dicom.Network.Server;

namespace ImagingGateway.Gateway.Configuration;

/// <summary>Configuration section <c>Gateway:Tls</c>: the DICOM TLS listener (PS3.15 B.1, the TLS secure transport profile).</summary>
public sealed class TlsOptions
{
    /// <summary>A PKCS#12 (.pfx) file or a PEM certificate; required when <c>Gateway:TlsPort</c> is set.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key, when <see cref="CertificatePath"/> is a PEM certificate.</summary>
    public string? KeyPath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>Whether DICOM TLS peers are asked for a certificate (None, Allow) and must present one (Require).</summary>
    public ClientCertificateMode ClientCertificate { get; set; } = ClientCertificateMode.None;

    /// <summary>
    /// PEM file of the CA certificate(s) client certificates must chain to; when empty, the system trust store is used.
    /// </summary>
    public string? ClientCaPath { get; set; }

    /// <summary>
    /// How long a TLS peer has to complete its handshake before the connection is closed; never longer than
    /// <c>Gateway:AssociationRequestTimeout</c>, since the A-ASSOCIATE-RQ is due within that time of connecting.
    /// </summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
