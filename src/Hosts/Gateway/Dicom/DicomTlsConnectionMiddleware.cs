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
/// certificate as <see cref="ITlsConnectionFeature"/>. A refused or timed-out handshake is a security event, logged at
/// Warning with the peer and the reason; a connection lost during it is logged at Debug. The handshake is cancelled
/// when the host stops, and the connection counts as pending (<see cref="PendingConnections"/>) while it lasts.
/// </summary>
public sealed partial class DicomTlsConnectionMiddleware(ConnectionDelegate next, DicomTlsServer tls, PendingConnections pending, ILogger logger)
{
    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        var raw = connection.Features.Get<IConnectionStreamFeature>()
            ?? throw new InvalidOperationException($"DICOM TLS needs a {nameof(DicomSocketTransportFactory)} connection.");
        var stopping = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;

        DicomTlsConnection secure;
        var place = pending.Enter(connection.RemoteEndPoint, () => connection.Abort(new ConnectionAbortedException("Closed to make room for newer connections (Gateway:MaxPendingConnections).")));
        try
        {
            secure = await tls.AuthenticateAsync(raw.Stream, stopping);
        }
        catch (AuthenticationException e)
        {
            LogHandshakeRefused(logger, connection.ConnectionId, connection.RemoteEndPoint?.ToString(), e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message);
            return;
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            LogHandshakeRefused(logger, connection.ConnectionId, connection.RemoteEndPoint?.ToString(), "the handshake did not complete in time (Gateway:Tls:HandshakeTimeout)");
            return;
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            LogHandshakeFailed(logger, connection.ConnectionId, connection.RemoteEndPoint?.ToString(), e.Message);
            return;
        }
        finally
        {
            place.Dispose();
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionId} from {Remote}: TLS handshake refused: {Reason}")]
    private static partial void LogHandshakeRefused(ILogger logger, string connectionId, string? remote, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ConnectionId} from {Remote} ended: TLS handshake failed: {Detail}")]
    private static partial void LogHandshakeFailed(ILogger logger, string connectionId, string? remote, string detail);

    /// <summary>The peer's certificate as the handshake left it; valid until the middleware returns.</summary>
    private sealed class ClientCertificateFeature(X509Certificate2? certificate) : ITlsConnectionFeature
    {
        public X509Certificate2? ClientCertificate { get; set; } = certificate;

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult(ClientCertificate);
    }
}
