using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;

namespace ImagingGateway.Dicom.Network.Server;

/// <summary>
/// The DICOM upper layer's transport side (PS3.8 9.1: one association per TCP connection) on plain sockets: listens
/// on one or more endpoints, each plain or TLS (PS3.15 B.1), and hands every accepted connection to
/// <paramref name="serve"/> as a duplex pipe, with reads of <see cref="DicomListenerOptions.ReadSize"/>: over blocking
/// socket calls on a receive thread of the connection's own for a plain connection (<see cref="BlockingSocketPipe"/>),
/// over the TLS stream for a secure one. TCP_NODELAY is on: Nagle plus delayed ACK would stall every response
/// about 40 ms. Connections over <see cref="DicomListenerOptions.MaxConnections"/> are handed over flagged
/// <see cref="DicomConnectionInfo.OverCapacity"/>, up to <see cref="DicomListenerOptions.MaxOverCapacityConnections"/>.
/// The listener closes the connection when <paramref name="serve"/> returns. Expected connection failures (TLS
/// handshake refused or timed out, reset, cancellation) end the connection and go to <paramref name="connectionFailed"/>.
/// </summary>
/// <param name="serve">
/// Serves one connection; its token is cancelled when <see cref="StopAsync"/> begins (a host with a shutdown grace
/// period may use its own deadline instead).
/// </param>
public sealed class DicomListener(
    DicomListenerOptions options,
    Func<IDuplexPipe, DicomConnectionInfo, CancellationToken, Task> serve,
    Action<DicomConnectionInfo, Exception>? connectionFailed = null) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private readonly List<Socket> _sockets = [];
    private readonly List<Task> _acceptLoops = [];
    private long _nextId;
    private int _active;
    private int _overCapacity;

    /// <summary>The bound endpoints, in the order of <see cref="DicomListenerOptions.Endpoints"/> (after <see cref="Start"/>).</summary>
    public IReadOnlyList<IPEndPoint> LocalEndPoints => _sockets.Select(s => (IPEndPoint)s.LocalEndPoint!).ToList();

    /// <summary>Connections being served right now, over-capacity ones not counted.</summary>
    public int ActiveConnections => Volatile.Read(ref _active);

    /// <summary>Connections over capacity being served right now (see <see cref="DicomListenerOptions.MaxOverCapacityConnections"/>).</summary>
    public int OverCapacityConnections => Volatile.Read(ref _overCapacity);

    /// <summary>Binds every endpoint (all or none: a failure closes those already bound) and starts accepting.</summary>
    /// <exception cref="IOException">An endpoint cannot be bound (e.g. the port is in use).</exception>
    public void Start()
    {
        if (_sockets.Count > 0)
        {
            throw new InvalidOperationException("The listener is already started.");
        }

        var tls = new List<DicomTlsServer?>();
        try
        {
            foreach (var endpoint in options.Endpoints)
            {
                tls.Add(endpoint.Tls is null ? null : new DicomTlsServer(endpoint.Tls));
                _sockets.Add(DicomListenSocket.Bind(endpoint.Address, endpoint.Port));
            }
        }
        catch (IOException)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }

            _sockets.Clear();
            throw;
        }

        for (var i = 0; i < _sockets.Count; i++)
        {
            var socket = _sockets[i];
            var authentication = tls[i];
            _acceptLoops.Add(Task.Run(() => AcceptLoopAsync(socket, authentication), CancellationToken.None));
        }
    }

    /// <summary>
    /// Closes the listening sockets at once, cancels TLS handshakes in progress and the token given to
    /// <c>serve</c>, then waits until every connection has ended or <paramref name="cancellationToken"/> is cancelled
    /// (the connections are not waited for any longer then).
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await CloseAsync().ConfigureAwait(false);
        // How each connection ended was reported through connectionFailed; here only that it ended matters.
        await Task.WhenAll(_connections.Values).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Closes the listening sockets and cancels the connections' token, without waiting for the connections (<see cref="StopAsync"/> does).</summary>
    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task CloseAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
    }

    private async Task AcceptLoopAsync(Socket listener, DicomTlsServer? tls)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || (e is SocketException && _stopping.IsCancellationRequested))
            {
                return;
            }
            catch (SocketException)
            {
                continue; // reset before accept completed
            }

            socket.NoDelay = true;
            if (!TryAdmit(out var overCapacity))
            {
                socket.Dispose();
                continue;
            }

            var id = Interlocked.Increment(ref _nextId);
            _connections[id] = ServeAsync(id, socket, overCapacity, tls);
        }
    }

    /// <summary>Takes a slot, or an over-capacity slot when the connections are at the limit; false when both are full.</summary>
    private bool TryAdmit(out bool overCapacity)
    {
        overCapacity = false;
        if (Interlocked.Increment(ref _active) <= options.MaxConnections)
        {
            return true;
        }

        Interlocked.Decrement(ref _active);
        overCapacity = true;
        if (Interlocked.Increment(ref _overCapacity) <= options.MaxOverCapacityConnections)
        {
            return true;
        }

        Interlocked.Decrement(ref _overCapacity);
        return false;
    }

    private async Task ServeAsync(long id, Socket socket, bool overCapacity, DicomTlsServer? tls)
    {
        await Task.Yield();
        var connection = new DicomConnectionInfo(id, socket.RemoteEndPoint, socket.LocalEndPoint, null, overCapacity);
        try
        {
            // Disposing the stream shuts the socket down before closing it (FIN), which also ends a receive still
            // waiting on a plain connection's thread; a bare Socket.Dispose() would reset the connection instead, and
            // the peer could lose what it had not read yet, such as a final A-ABORT.
            var network = new NetworkStream(socket, ownsSocket: true);
            await using (network.ConfigureAwait(false))
            {
                if (tls is null)
                {
                    // Blocking socket calls on a receive thread of the connection's own: each PDU is read, handled
                    // and answered there (BlockingSocketPipe).
                    await ServeAsync(new BlockingSocketPipe(socket, options.ReadSize, $"dicom-{id} recv"), connection).ConfigureAwait(false);
                    return;
                }

                DicomTlsConnection? secure = null;
                try
                {
                    secure = await tls.AuthenticateAsync(network, _stopping.Token).ConfigureAwait(false);
                    connection = connection with { ClientCertificate = secure.ClientCertificate };
                    await ServeAsync(DuplexPipe.FromStream(secure.Stream, options.ReadSize), connection).ConfigureAwait(false);
                }
                finally
                {
                    if (secure is not null)
                    {
                        await secure.DisposeAsync().ConfigureAwait(false);
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection failed (TLS handshake, reset, timeout); the association, if any, already reported itself.
            connectionFailed?.Invoke(connection, e);
        }
        finally
        {
            Interlocked.Decrement(ref overCapacity ? ref _overCapacity : ref _active);
            _connections.TryRemove(id, out _);
        }
    }

    private async Task ServeAsync(IDuplexPipe pipe, DicomConnectionInfo connection)
    {
        try
        {
            await serve(pipe, connection, _stopping.Token).ConfigureAwait(false);
        }
        finally
        {
            await pipe.Output.CompleteAsync().ConfigureAwait(false);
            await pipe.Input.CompleteAsync().ConfigureAwait(false);
        }
    }
}
