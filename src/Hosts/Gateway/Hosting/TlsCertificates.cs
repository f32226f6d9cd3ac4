using System.Security.Cryptography.X509Certificates;
using ImagingGateway.Dicom.Network.Server;
using ImagingGateway.Gateway.Configuration;

namespace ImagingGateway.Gateway.Hosting;

/// <summary>Loads the DICOM TLS listener's certificate: a PKCS#12 file, or a PEM certificate with its PEM key.</summary>
public static class TlsCertificates
{
    /// <summary><c>Gateway:Tls</c> as the toolkit's TLS options: the certificate, the client certificate policy, the client CA.</summary>
    /// <summary>The TLS listener's options; the handshake timeout is cut to the association request timeout (ARTIM).</summary>
    public static DicomTlsOptions DicomTlsOptions(TlsOptions tls, TimeSpan associationRequestTimeout)
    {
        X509Certificate2Collection? roots = null;
        if (!string.IsNullOrWhiteSpace(tls.ClientCaPath))
        {
            roots = [];
            roots.ImportFromPemFile(tls.ClientCaPath);
        }

        return new DicomTlsOptions
        {
            ServerCertificate = Load(tls),
            ClientCertificate = tls.ClientCertificate,
            TrustedClientRoots = roots,
            HandshakeTimeout = tls.HandshakeTimeout < associationRequestTimeout ? tls.HandshakeTimeout : associationRequestTimeout,
        };
    }

    public static X509Certificate2 Load(TlsOptions tls)
    {
        var path = tls.CertificatePath ?? throw new InvalidOperationException("Gateway:Tls:CertificatePath is required for the TLS listener");
        if (!string.IsNullOrWhiteSpace(tls.KeyPath))
        {
            return string.IsNullOrEmpty(tls.CertificatePassword)
                ? X509Certificate2.CreateFromPemFile(path, tls.KeyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(path, tls.CertificatePassword, tls.KeyPath);
        }

        return X509CertificateLoader.LoadPkcs12FromFile(path, tls.CertificatePassword);
    }
}
