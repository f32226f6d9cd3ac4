using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace ImagingGateway.Dicom.Network.Server;

/// <summary>
/// The server side of the secure transport connection profile (PS3.15 B.1): TLS 1.2 or 1.3 with
/// <see cref="DicomTlsOptions.ServerCertificate"/>, a client certificate asked for unless the mode is
/// <see cref="ClientCertificateMode.None"/> and then checked against <see cref="DicomTlsOptions.TrustedClientRoots"/>
/// (or the system store), and a handshake bounded by <see cref="DicomTlsOptions.HandshakeTimeout"/>.
/// </summary>
public sealed class DicomTlsServer(DicomTlsOptions options)
{
    private readonly SslServerAuthenticationOptions _authentication = new()
    {
        ServerCertificate = options.ServerCertificate,
        ClientCertificateRequired = options.ClientCertificate != ClientCertificateMode.None,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsClientAccepted(options, certificate, errors),
    };

    /// <summary>
    /// Runs the handshake over <paramref name="transport"/> (left open when the result is disposed).
    /// </summary>
    /// <exception cref="AuthenticationException">The handshake failed, e.g. a required client certificate was missing or untrusted.</exception>
    /// <exception cref="OperationCanceledException">The handshake timed out or <paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="IOException">The connection failed during the handshake.</exception>
    public async Task<DicomTlsConnection> AuthenticateAsync(Stream transport, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(transport, leaveInnerStreamOpen: true);
        try
        {
            using var handshake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            handshake.CancelAfter(options.HandshakeTimeout);
            await ssl.AuthenticateAsServerAsync(_authentication, handshake.Token).ConfigureAwait(false);
            var clientCertificate = ssl.RemoteCertificate is null ? null : new X509Certificate2(ssl.RemoteCertificate);
            return new DicomTlsConnection(ssl, clientCertificate);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static bool IsClientAccepted(DicomTlsOptions tls, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return tls.ClientCertificate != ClientCertificateMode.Require;
        }

        if (tls.ClientCertificate == ClientCertificateMode.None)
        {
            return true; // not asked for; ignored
        }

        return tls.TrustedClientRoots is { } roots ? CertificateChains.ChainsTo(certificate, roots) : errors == SslPolicyErrors.None;
    }
}
