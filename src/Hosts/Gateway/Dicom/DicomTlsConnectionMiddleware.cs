using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using ImagingGateway.Dicom.Network.Server;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>
/// The TLS port's connection middleware (PS3.15 B.1, <see cref="DicomTlsServer"/>): runs the handshake on the
/// connection's stream, then hands the rest of the pipeline a pipe over the TLS stream (same read size) and the client
/// certificate as <see cref="ITlsConnectionFeature"/>. A failed, refused or timed-out handshake ends the connection
/// with a log line; the handshake is cancelled when the host stops.
/// </summary>
public sealed partial class DicomTlsConnectionMiddleware(ConnectionDelegate next, DicomTlsServer tls, ILogger logger)
{
    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        var raw = connection.Features.Get<IConnectionStreamFeature>()
            ?? throw new InvalidOperationException($"DICOM TLS needs a {nameof(DicomSocketTransportFactory)} connection.");
        var stopping = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;

        DicomTlsConnection secure;
        try
        {
            secure = await tls.AuthenticateAsync(raw.Stream, stopping);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            LogHandshakeFailed(logger, connection.ConnectionId, connection.RemoteEndPoint?.ToString(), e.Message);
            return;
        }

        await using (secure)
        {
            var plain = connection.Transport;
            var pipe = DuplexPipe.FromStream(secure.Stream, raw.ReadSize);
            connection.Transport = pipe;
            connection.Features.Set<ITlsConnectionFeature>(new ClientCertificateFeature(secure.ClientCertificate));
            try
            {
                await next(connection);
            }
            finally
            {
                await pipe.Output.CompleteAsync();
                await pipe.Input.CompleteAsync();
                connection.Transport = plain;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ConnectionId} from {Remote} ended: TLS handshake failed: {Detail}")]
    private static partial void LogHandshakeFailed(ILogger logger, string connectionId, string? remote, string detail);

    /// <summary>The peer's certificate as the handshake left it; valid until the middleware returns.</summary>
    private sealed class ClientCertificateFeature(X509Certificate2? certificate) : ITlsConnectionFeature
    {
        public X509Certificate2? ClientCertificate { get; set; } = certificate;

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult(ClientCertificate);
    }
}
