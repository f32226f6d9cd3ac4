using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using ImagingGateway.Dicom.Network.Associations;

namespace ImagingGateway.Dicom.Network.Server;

/// <summary>
/// A small standalone DICOM listener: accepts TCP connections (TCP_NODELAY on), optionally wraps them in TLS with
/// optional client certificate verification, and runs a <see cref="DicomAssociationHandler"/> on each.
/// </summary>
public sealed class DicomServer : IAsyncDisposable
{
    private readonly DicomServerOptions _options;
    private readonly DicomAssociationHandler _handler;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private Task? _acceptLoop;
    private long _nextId;
    private int _active;
    private int _rejecting;

    public DicomServer(DicomServerOptions options, IDicomServiceProvider provider, AssociationPolicy policy)
    {
        _options = options;
        _handler = new DicomAssociationHandler(provider, policy, options.Association);
        _listener = new Socket(options.BindAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Number of associations being served right now.</summary>
    public int ActiveAssociations => Volatile.Read(ref _active);

    public void Start()
    {
        _listener.Bind(new IPEndPoint(_options.BindAddress, _options.Port));
        _listener.Listen(512);
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>Stops listening and aborts every association still open (A-ABORT), then waits for them.</summary>
    public async Task StopAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        await Task.WhenAll(_connections.Values).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || (e is SocketException && _stopping.IsCancellationRequested))
            {
                return;
            }
            catch (SocketException)
            {
                // A connection reset before accept completed; keep listening.
                continue;
            }

            socket.NoDelay = true;
            var reject = false;
            if (Interlocked.Increment(ref _active) > _options.MaxConcurrentAssociations)
            {
                Interlocked.Decrement(ref _active);
                if (Interlocked.Increment(ref _rejecting) > _options.MaxConcurrentRejections)
                {
                    Interlocked.Decrement(ref _rejecting);
                    socket.Dispose();
                    continue;
                }

                reject = true;
            }

            var id = Interlocked.Increment(ref _nextId);
            _connections[id] = ServeConnectionAsync(id, socket, reject);
        }
    }

    /// <summary>Serves the connection, or with <paramref name="reject"/> answers its request with A-ASSOCIATE-RJ (over capacity).</summary>
    private async Task ServeConnectionAsync(long id, Socket socket, bool reject)
    {
        await Task.Yield();
        try
        {
            var stream = new NetworkStream(socket, ownsSocket: true);
            await using (stream.ConfigureAwait(false))
            {
                X509Certificate2? clientCertificate = null;
                Stream transportStream = stream;
                SslStream? ssl = null;
                if (_options.ServerCertificate is { } certificate)
                {
                    ssl = new SslStream(stream, leaveInnerStreamOpen: true);
                    using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                    handshake.CancelAfter(_options.TlsHandshakeTimeout);
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                    {
                        ServerCertificate = certificate,
                        ClientCertificateRequired = _options.RequireClientCertificate,
                        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                        RemoteCertificateValidationCallback = ValidateClientCertificate,
                    }, handshake.Token).ConfigureAwait(false);
                    clientCertificate = ssl.RemoteCertificate is null ? null : new X509Certificate2(ssl.RemoteCertificate);
                    transportStream = ssl;
                }

                try
                {
                    var pipe = DuplexPipe.FromStream(transportStream);
                    var info = new TransportInfo($"{id:D6}-{Guid.NewGuid():N}", socket.RemoteEndPoint, socket.LocalEndPoint, clientCertificate);
                    if (reject)
                    {
                        await _handler.RejectAsync(pipe, info, DicomAssociationHandler.LocalLimitExceeded, _stopping.Token).ConfigureAwait(false);
                    }
                    else
                    {
                        await _handler.RunAsync(pipe, info, _stopping.Token).ConfigureAwait(false);
                    }

                    await pipe.Output.CompleteAsync().ConfigureAwait(false);
                    await pipe.Input.CompleteAsync().ConfigureAwait(false);
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
            // The connection failed (TLS handshake, reset); the association handler already reported any association.
        }
        finally
        {
            Interlocked.Decrement(ref reject ? ref _rejecting : ref _active);
            _connections.TryRemove(id, out _);
        }
    }

    private bool ValidateClientCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return !_options.RequireClientCertificate;
        }

        if (_options.TrustedClientRoots.Count == 0)
        {
            return errors == SslPolicyErrors.None;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_options.TrustedClientRoots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return custom.Build(leaf);
    }
}
