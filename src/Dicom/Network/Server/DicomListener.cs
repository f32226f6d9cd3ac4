using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace ImagingGateway.Dicom.Network.Server;

/// <summary>
/// The DICOM upper layer's transport side (PS3.8 9.1: one association per TCP connection) on plain sockets: listens
/// on one or more endpoints, each plain or TLS (PS3.15 B.1), and hands every accepted connection to
/// <paramref name="serve"/> as a duplex pipe over the socket or TLS stream, with reads of
/// <see cref="DicomListenerOptions.ReadSize"/>. TCP_NODELAY is on: Nagle plus delayed ACK would stall every response
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
    private const int Backlog = 512;
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

    /// <summary>Binds every endpoint (all or none: a failure closes those already bound) and starts accepting.</summary>
    /// <exception cref="IOException">An endpoint cannot be bound (e.g. the port is in use).</exception>
    public void Start()
    {
        if (_sockets.Count > 0)
        {
            throw new InvalidOperationException("The listener is already started.");
        }

        var tls = new List<SslServerAuthenticationOptions?>();
        try
        {
            foreach (var endpoint in options.Endpoints)
            {
                tls.Add(endpoint.Tls is null ? null : ServerAuthentication(endpoint.Tls));
                _sockets.Add(Bind(endpoint.Address, endpoint.Port));
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
            var handshakeTimeout = options.Endpoints[i].Tls?.HandshakeTimeout ?? Timeout.InfiniteTimeSpan;
            _acceptLoops.Add(Task.Run(() => AcceptLoopAsync(socket, authentication, handshakeTimeout), CancellationToken.None));
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

    private static Socket Bind(IPAddress? address, int port)
    {
        if (address is not null)
        {
            return Listen(new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp), new IPEndPoint(address, port));
        }

        return Socket.OSSupportsIPv6
            ? Listen(new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true }, new IPEndPoint(IPAddress.IPv6Any, port))
            : Listen(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp), new IPEndPoint(IPAddress.Any, port));
    }

    private static Socket Listen(Socket socket, IPEndPoint endPoint)
    {
        try
        {
            AllowRebindDuringTimeWait(socket);
            socket.Bind(endPoint);
            socket.Listen(Backlog);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new IOException($"cannot listen for DICOM on {endPoint}: {e.Message}", e);
        }
    }

    /// <summary>
    /// SO_REUSEADDR alone, as Kestrel does: a restarted listener can bind while the previous process's connections are
    /// in TIME_WAIT. Not <see cref="SocketOptionName.ReuseAddress"/>, which on Linux also sets SO_REUSEPORT and would let
    /// a second process listen on the same port and silently take a share of the associations. Elsewhere (Windows)
    /// nothing is set: there SO_REUSEADDR would allow exactly that.
    /// </summary>
    private static void AllowRebindDuringTimeWait(Socket socket)
    {
        if (OperatingSystem.IsLinux())
        {
            socket.SetRawSocketOption(1, 2, BitConverter.GetBytes(1)); // SOL_SOCKET, SO_REUSEADDR
        }
        else if (OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            socket.SetRawSocketOption(0xFFFF, 4, BitConverter.GetBytes(1)); // SOL_SOCKET, SO_REUSEADDR
        }
    }

    private async Task AcceptLoopAsync(Socket listener, SslServerAuthenticationOptions? tls, TimeSpan handshakeTimeout)
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
            _connections[id] = ServeAsync(id, socket, overCapacity, tls, handshakeTimeout);
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

    private async Task ServeAsync(long id, Socket socket, bool overCapacity, SslServerAuthenticationOptions? tls, TimeSpan handshakeTimeout)
    {
        await Task.Yield();
        var connection = new DicomConnectionInfo(id, socket.RemoteEndPoint, socket.LocalEndPoint, null, overCapacity);
        try
        {
            var network = new NetworkStream(socket, ownsSocket: true);
            await using (network.ConfigureAwait(false))
            {
                Stream stream = network;
                SslStream? ssl = null;
                X509Certificate2? clientCertificate = null;
                try
                {
                    if (tls is not null)
                    {
                        ssl = new SslStream(network, leaveInnerStreamOpen: true);
                        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                        handshake.CancelAfter(handshakeTimeout);
                        await ssl.AuthenticateAsServerAsync(tls, handshake.Token).ConfigureAwait(false);
                        clientCertificate = ssl.RemoteCertificate is null ? null : new X509Certificate2(ssl.RemoteCertificate);
                        connection = connection with { ClientCertificate = clientCertificate };
                        stream = ssl;
                    }

                    var pipe = DuplexPipe.FromStream(stream, options.ReadSize);
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
                finally
                {
                    if (ssl is not null)
                    {
                        await ssl.DisposeAsync().ConfigureAwait(false);
                    }

                    clientCertificate?.Dispose();
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

    /// <summary>TLS 1.2 or 1.3 with the endpoint's certificate; a client certificate asked for unless the mode is None.</summary>
    private static SslServerAuthenticationOptions ServerAuthentication(DicomTlsOptions tls) => new()
    {
        ServerCertificate = tls.ServerCertificate,
        ClientCertificateRequired = tls.ClientCertificate != ClientCertificateMode.None,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsClientAccepted(tls, certificate, errors),
    };

    private static bool IsClientAccepted(DicomTlsOptions tls, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return tls.ClientCertificate != ClientCertificateMode.Require;
        }

        if (tls.ClientCertificate == ClientCertificateMode.None)
        {
            return true; // not asked for; ignored
        }

        return tls.TrustedClientRoots is { } roots ? CertificateChains.ChainsTo(certificate, roots) : errors == SslPolicyErrors.None;
    }
}
