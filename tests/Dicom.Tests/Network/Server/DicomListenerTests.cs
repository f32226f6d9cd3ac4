using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using ImagingGateway.Dicom.Network.Server;
using ImagingGateway.Dicom.Tests.Network.TestSupport;

namespace ImagingGateway.Dicom.Tests.Network.Server;

/// <summary>
/// The transport under every SCP host: endpoints, TLS (PS3.15 B.1) with the client certificate modes, the handshake
/// timeout, the connection limit and stopping. Each connection is answered with one byte saying what the callback saw.
/// </summary>
public sealed class DicomListenerTests
{
    private const byte Plain = 0;
    private const byte WithCertificate = 1;
    private const byte OverCapacity = 2;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<DicomConnectionInfo> _served = new();
    private readonly ConcurrentQueue<Exception> _failures = new();

    [Fact]
    public async Task GivenAllowMode_WhenClientsConnectWithAndWithoutCertificates_ThenBothAreServedWithWhatTheySent()
    {
        using var certificates = new TestCertificates();
        await using var listener = Start(Loopback(Tls(certificates, ClientCertificateMode.Allow)));
        var port = listener.LocalEndPoints[0].Port;

        Assert.Equal(Plain, await ExchangeTlsAsync(port, certificates, clientCertificate: null));
        Assert.Equal(WithCertificate, await ExchangeTlsAsync(port, certificates, certificates.Client));
    }

    [Fact]
    public async Task GivenAllowMode_WhenTheClientCertificateDoesNotChainToTheTrustedRoots_ThenTheHandshakeFails()
    {
        using var certificates = new TestCertificates();
        using var strangers = new TestCertificates();
        await using var listener = Start(Loopback(Tls(certificates, ClientCertificateMode.Allow)));

        var answer = await ExchangeTlsAsync(listener.LocalEndPoints[0].Port, certificates, strangers.Client);

        Assert.Equal(-1, answer);
        Assert.Empty(_served);
        await WaitForAsync(() => _failures.Any(e => e is AuthenticationException or IOException));
    }

    [Fact]
    public async Task GivenNoneMode_WhenTheClientOffersACertificate_ThenItIsNotAskedForAndTheConnectionIsServed()
    {
        using var certificates = new TestCertificates();
        using var strangers = new TestCertificates();
        await using var listener = Start(Loopback(Tls(certificates, ClientCertificateMode.None)));

        Assert.Equal(Plain, await ExchangeTlsAsync(listener.LocalEndPoints[0].Port, certificates, strangers.Client));
    }

    [Fact]
    public async Task GivenATlsEndpoint_WhenThePeerNeverHandshakes_ThenTheConnectionIsClosedAfterTheHandshakeTimeout()
    {
        using var certificates = new TestCertificates();
        await using var listener = Start(Loopback(Tls(certificates, ClientCertificateMode.None) with { HandshakeTimeout = TimeSpan.FromMilliseconds(300) }));
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, listener.LocalEndPoints[0].Port);

        var read = await socket.ReceiveAsync(new byte[1], SocketFlags.None).WaitAsync(Timeout);

        Assert.Equal(0, read);
        Assert.Empty(_served);
        await WaitForAsync(() => _failures.Any(e => e is OperationCanceledException));
    }

    [Fact]
    public async Task GivenPlainAndTlsEndpoints_WhenEachGetsAConnection_ThenBothAreServedWithDistinctIds()
    {
        using var certificates = new TestCertificates();
        await using var listener = Start(Loopback(null), Loopback(Tls(certificates, ClientCertificateMode.Require)));

        Assert.Equal(Plain, await ExchangeAsync(listener.LocalEndPoints[0].Port));
        Assert.Equal(WithCertificate, await ExchangeTlsAsync(listener.LocalEndPoints[1].Port, certificates, certificates.Client));

        Assert.Equal(2, _served.Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public async Task GivenNoAddress_WhenAnIpv4ClientConnects_ThenTheDualModeSocketServesIt()
    {
        await using var listener = Start(new DicomListenEndpoint(null, 0));
        var bound = listener.LocalEndPoints[0];

        if (Socket.OSSupportsIPv6)
        {
            Assert.Equal($"[::]:{bound.Port}", bound.ToString());
        }

        Assert.Equal(Plain, await ExchangeAsync(bound.Port));
    }

    [Fact]
    public async Task GivenAPortInUse_WhenASecondListenerStartsOnIt_ThenItFailsNamingTheEndpointAndTheFirstKeepsEveryConnection()
    {
        await using var first = Start(new DicomListenEndpoint(null, 0));
        var port = first.LocalEndPoints[0].Port;
        await using var second = new DicomListener(new DicomListenerOptions { Endpoints = [new DicomListenEndpoint(null, port)] }, ServeAsync);

        var failure = Assert.Throws<IOException>(second.Start);

        Assert.StartsWith($"cannot listen for DICOM on {first.LocalEndPoints[0]}", failure.Message, StringComparison.Ordinal);
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(Plain, await ExchangeAsync(port));
        }
    }

    [Fact]
    public async Task GivenMaxConnections_WhenMoreConnect_ThenTheNextIsFlaggedOverCapacityAndTheOneAfterIsClosed()
    {
        await using var listener = Start(new DicomListenerOptions { Endpoints = [Loopback(null)], MaxConnections = 1, MaxOverCapacityConnections = 1 });
        var port = listener.LocalEndPoints[0].Port;
        using var first = await ConnectAsync(port);
        using var second = await ConnectAsync(port);
        using var third = await ConnectAsync(port);

        Assert.Equal(Plain, await ReadByteAsync(first));
        Assert.Equal(OverCapacity, await ReadByteAsync(second));
        Assert.Equal(-1, await ReadByteAsync(third));
        Assert.Equal(1, listener.ActiveConnections);
    }

    [Fact]
    public async Task GivenAConnection_WhenTheListenerStops_ThenItsTokenIsCancelledAndStopWaitsForIt()
    {
        await using var listener = Start(Loopback(null));
        using var client = await ConnectAsync(listener.LocalEndPoints[0].Port);
        Assert.Equal(Plain, await ReadByteAsync(client));

        await listener.StopAsync().WaitAsync(Timeout);

        Assert.Equal(0, listener.ActiveConnections);
        Assert.Equal(-1, await ReadByteAsync(client));
    }

    [Fact]
    public async Task GivenAConnectionThatIgnoresTheStop_WhenStopIsCancelled_ThenStopReturnsAndTheConnectionGoesOn()
    {
        var release = new TaskCompletionSource();
        await using var listener = new DicomListener(
            new DicomListenerOptions { Endpoints = [Loopback(null)] },
            async (transport, _, _) =>
            {
                await release.Task;
                await transport.Output.WriteAsync(new[] { Plain });
            });
        listener.Start();
        using var client = await ConnectAsync(listener.LocalEndPoints[0].Port);
        await WaitForAsync(() => listener.ActiveConnections == 1);
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await listener.StopAsync(giveUp.Token).WaitAsync(Timeout);

        Assert.Equal(1, listener.ActiveConnections);
        release.SetResult();
        Assert.Equal(Plain, await ReadByteAsync(client));
        await listener.StopAsync().WaitAsync(Timeout);
    }

    private static DicomListenEndpoint Loopback(DicomTlsOptions? tls) => new(IPAddress.Loopback, 0, tls);

    private static DicomTlsOptions Tls(TestCertificates certificates, ClientCertificateMode mode) => new()
    {
        ServerCertificate = certificates.Server,
        ClientCertificate = mode,
        TrustedClientRoots = [certificates.Ca],
    };

    private DicomListener Start(params DicomListenEndpoint[] endpoints) => Start(new DicomListenerOptions { Endpoints = endpoints });

    private DicomListener Start(DicomListenerOptions options)
    {
        var listener = new DicomListener(options, ServeAsync, (_, e) => _failures.Enqueue(e));
        listener.Start();
        return listener;
    }

    /// <summary>Answers one byte, then holds the connection until the peer closes it or the listener stops.</summary>
    private async Task ServeAsync(IDuplexPipe transport, DicomConnectionInfo connection, CancellationToken stopping)
    {
        _served.Enqueue(connection);
        var answer = connection.OverCapacity ? OverCapacity : connection.ClientCertificate is null ? Plain : WithCertificate;
        await transport.Output.WriteAsync(new[] { answer }, stopping);
        while (!(await transport.Input.ReadAsync(stopping)).IsCompleted)
        {
        }
    }

    private static async Task<NetworkStream> ConnectAsync(int port)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        return new NetworkStream(socket, ownsSocket: true);
    }

    private static async Task<int> ExchangeAsync(int port)
    {
        await using var stream = await ConnectAsync(port);
        return await ReadByteAsync(stream);
    }

    /// <summary>The listener's byte over TLS, or -1 when the handshake is refused.</summary>
    private static async Task<int> ExchangeTlsAsync(int port, TestCertificates certificates, X509Certificate2? clientCertificate)
    {
        await using var network = await ConnectAsync(port);
        await using var tls = new SslStream(network);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                // Offered whenever the server asks, whoever issued it.
                LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate!,
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == certificates.Server.Thumbprint,
            });
        }
        catch (AuthenticationException)
        {
            return -1; // refused during the handshake (TLS 1.2); with TLS 1.3 the refusal shows on the first read
        }

        return await ReadByteAsync(tls);
    }

    /// <summary>The next byte, or -1 when the listener closed or reset the connection.</summary>
    private static async Task<int> ReadByteAsync(Stream stream)
    {
        var buffer = new byte[1];
        try
        {
            return await stream.ReadAsync(buffer).AsTask().WaitAsync(Timeout) == 0 ? -1 : buffer[0];
        }
        catch (IOException)
        {
            return -1; // reset
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(50);
        }
    }
}
