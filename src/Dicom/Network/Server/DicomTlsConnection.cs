using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace ImagingGateway.Dicom.Network.Server;

/// <summary>An authenticated TLS connection (<see cref="DicomTlsServer.AuthenticateAsync"/>): the stream to read and write, and the peer's certificate if it sent one.</summary>
public sealed class DicomTlsConnection(SslStream stream, X509Certificate2? clientCertificate) : IAsyncDisposable
{
    public SslStream Stream { get; } = stream;

    /// <summary>The client's certificate, verified per the endpoint's policy; null when it sent none. Disposed with this.</summary>
    public X509Certificate2? ClientCertificate { get; } = clientCertificate;

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync().ConfigureAwait(false);
        ClientCertificate?.Dispose();
    }
}
