using System.IO.Pipelines;
using System.Net.Sockets;
using ImagingGateway.Dicom.Network.Server;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>
/// One accepted DICOM connection as Kestrel sees it: pipes over the socket with blocking calls on a receive thread of
/// the connection's own (<see cref="BlockingSocketPipe"/>; why: <see cref="DicomSocketTransportFactory"/>), reads of
/// <see cref="IConnectionStreamFeature.ReadSize"/>, TCP_NODELAY on (Nagle plus delayed ACK would stall every C-STORE
/// response about 40 ms). The TLS middleware reads the socket through <see cref="Stream"/> instead, and then the receive
/// thread never starts. Kestrel disposes the connection once its middleware and handler have returned, and the
/// connection then ends with an orderly shutdown (FIN), so the peer reads everything sent, a final A-ABORT included
/// (a bare <see cref="Socket.Dispose()"/> with a receive waiting would reset it); <see cref="Abort"/> closes the socket
/// at once (a reset), which also ends a receive in progress.
/// </summary>
public sealed class DicomSocketConnection : ConnectionContext, IConnectionStreamFeature, IConnectionSocketFeature
{
    private readonly NetworkStream _stream;
    private readonly BlockingSocketPipe _pipe;
    private readonly CancellationTokenSource _closed = new();
    private int _disposed;

    public DicomSocketConnection(Socket socket, string connectionId, int readSize)
    {
        socket.NoDelay = true;
        Socket = socket;
        ReadSize = readSize;
        ConnectionId = connectionId;
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _pipe = new BlockingSocketPipe(socket, readSize, $"{connectionId} recv");
        Transport = _pipe;
        ConnectionClosed = _closed.Token;
        Features.Set<IConnectionStreamFeature>(this);
        Features.Set<IConnectionSocketFeature>(this);
    }

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    public override IDuplexPipe Transport { get; set; }

    public Socket Socket { get; }

    public Stream Stream => _stream;

    public int ReadSize { get; }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        // Pending reads and writes fail at once; the handler sees the connection end.
        Socket.Dispose();
        Cancel();
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await _pipe.Output.CompleteAsync();
            await _pipe.Input.CompleteAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The peer is gone; what was left unsent cannot be delivered.
        }

        await _stream.DisposeAsync(); // shuts the socket down first (FIN), also ending a receive still waiting
        Cancel();
        _closed.Dispose();
    }

    private void Cancel()
    {
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Aborted after disposal: nothing is listening any more.
        }
    }
}
