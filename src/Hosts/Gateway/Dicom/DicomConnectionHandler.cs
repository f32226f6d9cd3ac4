using System.Net.Sockets;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Server;
using ImagingGateway.Gateway.Observability;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>
/// One DICOM connection accepted by Kestrel (plain, or TLS when the listener has <c>UseHttps</c>): runs the SCP
/// association on the connection's pipes. The association aborts itself when the shutdown grace period is over.
/// </summary>
public sealed partial class DicomConnectionHandler(
    AssociationRegistry registry,
    DicomSettings settings,
    StoreBridge bridge,
    IIdGenerator ids,
    GatewayStats stats,
    GatewayMetrics metrics,
    ILogger<DicomConnectionHandler> logger) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        EnsureNoDelay(connection);
        var admitted = registry.TryEnter();
        var associationId = ids.NewAssociationId();
        try
        {
            var certificate = connection.Features.Get<ITlsConnectionFeature>()?.ClientCertificate;
            var transport = new TransportInfo(associationId, connection.RemoteEndPoint, connection.LocalEndPoint, certificate);
            var session = new AssociationSession(bridge, stats, metrics, admitted, logger);
            var handler = new DicomAssociationHandler(session, settings.Policy, settings.Association);
            LogConnected(logger, connection.ConnectionId, associationId, connection.RemoteEndPoint?.ToString());
            await handler.RunAsync(connection.Transport, transport, registry.GraceExpired);
        }
        catch (ConnectionAbortedException e)
        {
            // Kestrel gave up on the connection (host shutdown timeout): the session already closed its batches.
            LogAborted(logger, associationId, e.Message);
        }
        finally
        {
            if (admitted)
            {
                registry.Exit();
            }
        }
    }

    /// <summary>Kestrel's socket transport turns Nagle off by default (SocketTransportOptions.NoDelay); make sure.</summary>
    private static void EnsureNoDelay(ConnectionContext connection)
    {
        if (connection.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket && socket.ProtocolType == ProtocolType.Tcp && !socket.NoDelay)
        {
            socket.NoDelay = true;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ConnectionId} from {Remote}: association {AssociationId}")]
    private static partial void LogConnected(ILogger logger, string connectionId, string associationId, string? remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Association {AssociationId}: connection aborted by the server ({Detail})")]
    private static partial void LogAborted(ILogger logger, string associationId, string detail);
}
