using System.Net.Sockets;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Server;
using ImagingGateway.Gateway.Observability;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>
/// Kestrel's connection handler for the DICOM ports (<c>UseConnectionHandler</c>): runs one SCP association on the
/// connection's pipes, plain or after <see cref="DicomTlsConnectionMiddleware"/>'s handshake. Until its A-ASSOCIATE-RQ
/// arrives the connection is only pending (<see cref="PendingConnections"/>); then it takes an association slot, and
/// over <c>Gateway:MaxAssociations</c>, or once the host is stopping, it is rejected (A-ASSOCIATE-RJ, transient).
/// When the host stops, an open association goes on until <c>Gateway:ShutdownGracePeriod</c> is over and then aborts
/// itself (<see cref="AssociationRegistry"/>); Kestrel waits for it.
/// </summary>
public sealed partial class DicomConnectionHandler(
    AssociationRegistry registry,
    PendingConnections pending,
    DicomSettings settings,
    StoreBridge bridge,
    CommitmentBridge commitments,
    IIdGenerator ids,
    GatewayStats stats,
    GatewayMetrics metrics,
    ILogger<DicomConnectionHandler> logger) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var associationId = ids.NewAssociationId();
        var place = pending.Enter(connection.RemoteEndPoint, () => connection.Abort(new ConnectionAbortedException("Closed to make room for newer connections (Gateway:MaxPendingConnections).")));
        var session = new AssociationSession(bridge, commitments, registry, place, stats, metrics, logger);
        try
        {
            var certificate = connection.Features.Get<ITlsConnectionFeature>()?.ClientCertificate;
            var info = new TransportInfo(associationId, connection.RemoteEndPoint, connection.LocalEndPoint, certificate);
            var handler = new DicomAssociationHandler(session, settings.Policy, settings.Association);
            LogConnected(logger, connection.ConnectionId, associationId, connection.RemoteEndPoint?.ToString());
            await handler.RunAsync(connection.Transport, info, registry.GraceExpired);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection failed (reset, aborted at shutdown); the association, if any, already reported itself.
            LogConnectionFailed(logger, connection.ConnectionId, connection.RemoteEndPoint?.ToString(), e.Message);
        }
        finally
        {
            session.End();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ConnectionId} from {Remote}: association {AssociationId}")]
    private static partial void LogConnected(ILogger logger, string connectionId, string associationId, string? remote);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ConnectionId} from {Remote} ended: {Detail}")]
    private static partial void LogConnectionFailed(ILogger logger, string connectionId, string? remote, string detail);
}
