using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>A bound DICOM port: Kestrel's accept loop takes its connections one by one (<see cref="DicomSocketTransportFactory"/>).</summary>
public sealed class DicomSocketConnectionListener(Socket socket, DicomEndPoint endPoint, int readSize, Func<string> nextConnectionId) : IConnectionListener
{
    /// <summary>The bound address (the actual port when 0 was asked for).</summary>
    public EndPoint EndPoint { get; } = endPoint;

    /// <summary>The next connection, or null once the port is closed (<see cref="UnbindAsync"/>).</summary>
    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            try
            {
                var accepted = await socket.AcceptAsync(cancellationToken);
                return new DicomSocketConnection(accepted, nextConnectionId(), readSize);
            }
            catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException
                || e is SocketException { SocketErrorCode: SocketError.OperationAborted or SocketError.Interrupted })
            {
                return null;
            }
            catch (SocketException)
            {
                // Reset by the peer before the accept completed: wait for the next one.
            }
        }
    }

    /// <summary>Closes the port: no connection is accepted after this; those already accepted go on.</summary>
    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        socket.Dispose();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
