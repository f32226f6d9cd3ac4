using System.IO.Pipelines;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Server;
using ImagingGateway.Gateway.Observability;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>
/// One DICOM connection accepted by the <see cref="DicomSocketListener"/> (plain, or after its TLS handshake): runs
/// the SCP association on the connection's pipes. The association aborts itself when the shutdown grace period is over.
/// </summary>
public sealed partial class DicomConnectionHandler(
    AssociationRegistry registry,
    DicomSettings settings,
    StoreBridge bridge,
    IIdGenerator ids,
    GatewayStats stats,
    GatewayMetrics metrics,
    ILogger<DicomConnectionHandler> logger)
{
    /// <summary>The connection's name in the logs.</summary>
    public static string Name(DicomConnectionInfo connection) => $"dicom-{connection.Id}";

    /// <summary>Serves the association on <paramref name="transport"/> until it ends; the listener closes the connection.</summary>
    public async Task ServeAsync(IDuplexPipe transport, DicomConnectionInfo connection)
    {
        var admitted = registry.TryEnter();
        var associationId = ids.NewAssociationId();
        try
        {
            var info = new TransportInfo(associationId, connection.RemoteEndPoint, connection.LocalEndPoint, connection.ClientCertificate);
            var session = new AssociationSession(bridge, stats, metrics, admitted, logger);
            var handler = new DicomAssociationHandler(session, settings.Policy, settings.Association);
            LogConnected(logger, Name(connection), associationId, connection.RemoteEndPoint?.ToString());
            await handler.RunAsync(transport, info, registry.GraceExpired);
        }
        finally
        {
            if (admitted)
            {
                registry.Exit();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ConnectionId} from {Remote}: association {AssociationId}")]
    private static partial void LogConnected(ILogger logger, string connectionId, string associationId, string? remote);
}
