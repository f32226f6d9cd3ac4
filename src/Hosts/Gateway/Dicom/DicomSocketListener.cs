using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using ImagingGateway.Dicom.Network.Server;
using ImagingGateway.Gateway.Configuration;
using ImagingGateway.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>
/// The DICOM listeners (<c>Gateway:Port</c>, and <c>Gateway:TlsPort</c> with TLS), on plain sockets rather than
/// Kestrel: each connection is read through a <see cref="System.IO.Pipelines.PipeReader"/> over the socket stream with
/// 128 KiB reads, where Kestrel's transport reads 4 KiB blocks and hands each to the application on another thread
/// (hundreds of receives and thread wake-ups per 0.5 MB instance). TCP_NODELAY is on (Nagle plus delayed ACK would
/// stall every response ~40 ms). On stop: the listeners close at once, open associations get the shutdown grace
/// period (<see cref="AssociationRegistry"/>), and stop waits for them.
/// </summary>
public sealed partial class DicomSocketListener(
    DicomConnectionHandler handler,
    IOptions<GatewayOptions> options,
    ILogger<DicomSocketListener> logger) : IHostedService, IAsyncDisposable
{
    private const int ReadSize = 128 * 1024;
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private readonly List<Socket> _listeners = [];
    private readonly List<Task> _acceptLoops = [];
    private SslServerAuthenticationOptions? _tls;
    private long _nextId;

    /// <summary>The bound endpoints (port 0 in configuration binds a free port: tests).</summary>
    public IReadOnlyList<IPEndPoint> EndPoints => _listeners.Select(l => (IPEndPoint)l.LocalEndPoint!).ToList();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        _listeners.Add(Bind(o.ListenAddress, o.Port));
        if (o.TlsPort != 0)
        {
            _tls = TlsAuthentication(o.Tls);
            _listeners.Add(Bind(o.ListenAddress, o.TlsPort));
        }

        for (var i = 0; i < _listeners.Count; i++)
        {
            var listener = _listeners[i];
            var secure = i == 1;
            _acceptLoops.Add(Task.Run(() => AcceptLoopAsync(listener, secure), CancellationToken.None));
            LogListening(logger, listener.LocalEndPoint?.ToString(), secure ? "DICOM TLS" : "DICOM");
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await CloseListenersAsync();
        // Each association ends on its own (release, or abort when the grace period is over).
        await Task.WhenAll(_connections.Values).WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        await CloseListenersAsync();
        _stopping.Dispose();
    }

    private async Task CloseListenersAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync();
        }

        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        await Task.WhenAll(_acceptLoops);
    }

    private static Socket Bind(string listenAddress, int port)
    {
        Socket socket;
        if (string.IsNullOrEmpty(listenAddress))
        {
            // Every interface, IPv6 and IPv4 alike where the system allows a dual-mode socket.
            if (Socket.OSSupportsIPv6)
            {
                socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
                Listen(socket, new IPEndPoint(IPAddress.IPv6Any, port));
                return socket;
            }

            socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            Listen(socket, new IPEndPoint(IPAddress.Any, port));
            return socket;
        }

        var address = IPAddress.Parse(listenAddress);
        socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        Listen(socket, new IPEndPoint(address, port));
        return socket;
    }

    private static void Listen(Socket socket, IPEndPoint endPoint)
    {
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endPoint);
            socket.Listen(512);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new IOException($"cannot listen for DICOM on {endPoint}: {e.Message}", e);
        }
    }

    private async Task AcceptLoopAsync(Socket listener, bool secure)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token);
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
            var id = Interlocked.Increment(ref _nextId);
            _connections[id] = ServeAsync(id, socket, secure);
        }
    }

    private async Task ServeAsync(long id, Socket socket, bool secure)
    {
        await Task.Yield();
        var connectionId = $"dicom-{id}";
        var remote = socket.RemoteEndPoint;
        var local = socket.LocalEndPoint;
        try
        {
            await using var network = new NetworkStream(socket, ownsSocket: true);
            Stream stream = network;
            SslStream? ssl = null;
            X509Certificate2? clientCertificate = null;
            try
            {
                if (secure)
                {
                    ssl = new SslStream(network, leaveInnerStreamOpen: true);
                    using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                    handshake.CancelAfter(HandshakeTimeout);
                    await ssl.AuthenticateAsServerAsync(_tls!, handshake.Token);
                    clientCertificate = ssl.RemoteCertificate is null ? null : new X509Certificate2(ssl.RemoteCertificate);
                    stream = ssl;
                }

                var pipe = DuplexPipe.FromStream(stream, ReadSize);
                try
                {
                    await handler.ServeAsync(pipe, connectionId, remote, local, clientCertificate);
                }
                finally
                {
                    await pipe.Output.CompleteAsync();
                    await pipe.Input.CompleteAsync();
                }
            }
            finally
            {
                if (ssl is not null)
                {
                    await ssl.DisposeAsync();
                }

                clientCertificate?.Dispose();
            }
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection failed (TLS handshake, reset, timeout); the association, if any, already reported itself.
            LogConnectionFailed(logger, connectionId, remote?.ToString(), e.Message);
        }
        finally
        {
            _connections.TryRemove(id, out _);
        }
    }

    private static SslServerAuthenticationOptions TlsAuthentication(TlsOptions tls)
    {
        X509Certificate2Collection? roots = null;
        if (!string.IsNullOrWhiteSpace(tls.ClientCaPath))
        {
            roots = [];
            roots.ImportFromPemFile(tls.ClientCaPath);
        }

        var policy = tls.ClientCertificate;
        return new SslServerAuthenticationOptions
        {
            ServerCertificate = TlsCertificates.Load(tls),
            ClientCertificateRequired = policy != ClientCertificatePolicy.None,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null)
                {
                    return policy != ClientCertificatePolicy.Require;
                }

                if (policy == ClientCertificatePolicy.None)
                {
                    return true; // not asked for; ignored
                }

                if (roots is null)
                {
                    return errors == SslPolicyErrors.None;
                }

                using var leaf = new X509Certificate2(certificate);
                return TlsCertificates.ChainsTo(leaf, roots);
            },
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for {Protocol} associations on {EndPoint}")]
    private static partial void LogListening(ILogger logger, string? endPoint, string protocol);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ConnectionId} from {Remote} ended: {Detail}")]
    private static partial void LogConnectionFailed(ILogger logger, string connectionId, string? remote, string detail);
}
