using System.Buffers;
using System.Net;
using System.Net.Sockets;
using ImagingGateway.Dicom.Network.Server;
using ImagingGateway.Gateway.Dicom;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImagingGateway.Gateway.Tests.Dicom;

/// <summary>Kestrel's transport for the DICOM ports: which endpoints it takes, the size of its reads, unbinding and aborting.</summary>
public sealed class DicomSocketTransportFactoryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public void GivenTheEndpointsOfTheHost_WhenKestrelAsksWhichItBinds_ThenItTakesTheDicomPortsAndLeavesHttpToKestrelsSockets()
    {
        var factory = Factory();

        Assert.True(factory.CanBind(new DicomEndPoint(null, 11112, tls: false)));
        Assert.True(factory.CanBind(new DicomEndPoint(IPAddress.Loopback, 2762, tls: true)));
        Assert.False(factory.CanBind(new IPEndPoint(IPAddress.IPv6Any, 8080)));
    }

    [Fact]
    public async Task GivenAnAcceptedConnection_WhenTheSenderHasWrittenMoreThanOneRead_ThenEachReceiveTakesAWholeReadSizeNotKestrelsFourKiB()
    {
        await using var listener = await Factory().BindAsync(new DicomEndPoint(IPAddress.Loopback, 0, tls: false));
        using var sender = await ConnectAsync(listener);
        await using var connection = await AcceptAsync(listener);
        var payload = new byte[DicomSocketTransportFactory.ReadSize * 3 / 2];
        Random.Shared.NextBytes(payload);
        var socket = connection.Features.Get<IConnectionSocketFeature>()!.Socket;
        socket.ReceiveBufferSize = payload.Length * 4; // room for the whole payload, so that the receives below find it all there

        await sender.SendAsync(payload);
        await WaitUntilAsync(() => socket.Available >= payload.Length);
        var received = new List<byte>();
        while (received.Count < payload.Length)
        {
            var read = await connection.Transport.Input.ReadAsync().AsTask().WaitAsync(Patience);
            received.AddRange(read.Buffer.ToArray());
            connection.Transport.Input.AdvanceTo(read.Buffer.End);
        }

        // 4 KiB reads would have taken 48 receives.
        Assert.Equal(2, Assert.IsType<BlockingSocketPipe>(connection.Transport).Receives);
        Assert.Equal(payload, received);
    }

    [Fact]
    public async Task GivenAnAcceptedConnection_WhenItIsDisposed_ThenThePeerSeesTheConnectionClosed()
    {
        await using var listener = await Factory().BindAsync(new DicomEndPoint(IPAddress.Loopback, 0, tls: false));
        using var peer = await ConnectAsync(listener);
        var connection = await AcceptAsync(listener);
        await connection.Transport.Output.WriteAsync(new byte[] { 1, 2, 3 });

        await connection.DisposeAsync();
        var received = new byte[16];
        var first = await peer.ReceiveAsync(received.AsMemory()).AsTask().WaitAsync(Patience);
        var second = await peer.ReceiveAsync(received.AsMemory(first)).AsTask().WaitAsync(Patience);

        Assert.Equal(3, first);
        Assert.Equal(0, second);
        Assert.True(connection.ConnectionClosed.IsCancellationRequested);
    }

    [Fact]
    public async Task GivenAReadWaitingForData_WhenTheConnectionIsDisposed_ThenThePeerReadsEverythingSentAndAnOrderlyCloseNotAReset()
    {
        await using var listener = await Factory().BindAsync(new DicomEndPoint(IPAddress.Loopback, 0, tls: false));
        using var peer = await ConnectAsync(listener);
        var connection = await AcceptAsync(listener);
        var reading = connection.Transport.Input.ReadAsync().AsTask();
        await WaitUntilAsync(() => ReceiveThreadWaits(connection)); // blocked in recv, as between two PDUs
        var abort = new byte[] { 0x07, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x02, 0x00 }; // A-ABORT, PS3.8 9.3.8
        await connection.Transport.Output.WriteAsync(abort);

        await connection.DisposeAsync();
        var received = new byte[32];
        var total = 0;
        int read;
        do
        {
            read = await peer.ReceiveAsync(received.AsMemory(total)).AsTask().WaitAsync(Patience);
            total += read;
        }
        while (read > 0);

        Assert.Equal(abort, received[..total]);
        var ended = await Record.ExceptionAsync(() => reading.WaitAsync(Patience));
        Assert.True(ended is null or InvalidOperationException or IOException, $"the read ended with {ended}");
    }

    [Fact]
    public async Task GivenAReadWaitingForData_WhenKestrelAbortsTheConnection_ThenTheReadEndsAtOnce()
    {
        await using var listener = await Factory().BindAsync(new DicomEndPoint(IPAddress.Loopback, 0, tls: false));
        using var peer = await ConnectAsync(listener);
        await using var connection = await AcceptAsync(listener);
        var reading = connection.Transport.Input.ReadAsync().AsTask();

        connection.Abort(new ConnectionAbortedException("shutdown timeout"));
        var ended = await Record.ExceptionAsync(() => reading.WaitAsync(Patience));

        Assert.True(ended is null or IOException or SocketException or ObjectDisposedException or OperationCanceledException, ended?.ToString());
        Assert.True(ended is not null || (await reading).IsCompleted, "the read neither failed nor completed");
        Assert.True(connection.ConnectionClosed.IsCancellationRequested);
    }

    [Fact]
    public async Task GivenABoundPort_WhenKestrelUnbindsIt_ThenAcceptEndsWithNoConnectionAndThePortRefusesNewOnes()
    {
        var listener = await Factory().BindAsync(new DicomEndPoint(IPAddress.Loopback, 0, tls: false));
        var port = ((DicomEndPoint)listener.EndPoint).Port;
        var accepting = listener.AcceptAsync().AsTask();

        await listener.UnbindAsync();
        var accepted = await accepting.WaitAsync(Patience);
        using var late = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = await Record.ExceptionAsync(() => late.ConnectAsync(IPAddress.Loopback, port));
        await listener.DisposeAsync();

        Assert.Null(accepted);
        Assert.IsType<SocketException>(refused);
    }

    [Fact]
    public async Task GivenAPortInUse_WhenBound_ThenTheErrorNamesTheEndpointAndKeepsTheSocketError()
    {
        await using var first = await Factory().BindAsync(new DicomEndPoint(IPAddress.Loopback, 0, tls: false));
        var port = ((DicomEndPoint)first.EndPoint).Port;

        var error = await Assert.ThrowsAsync<IOException>(async () => await Factory().BindAsync(new DicomEndPoint(IPAddress.Loopback, port, tls: false)));

        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.Equal(SocketError.AddressAlreadyInUse, Assert.IsType<SocketException>(error.InnerException).SocketErrorCode);
    }

    private static DicomSocketTransportFactory Factory() => new(NullLogger<DicomSocketTransportFactory>.Instance);

    private static async Task<Socket> ConnectAsync(IConnectionListener listener)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, ((DicomEndPoint)listener.EndPoint).Port);
        return socket;
    }

    private static async Task<ConnectionContext> AcceptAsync(IConnectionListener listener) =>
        await listener.AcceptAsync().AsTask().WaitAsync(Patience) ?? throw new InvalidOperationException("no connection accepted");

    /// <summary>
    /// Whether the connection's receive thread (named "{connection id} recv", which Linux cuts to 15 bytes) is inside
    /// recvmsg or recvfrom (system calls 47 and 45 on x86-64, 212 and 207 on arm64), read from /proc.
    /// </summary>
    private static bool ReceiveThreadWaits(ConnectionContext connection)
    {
        var name = $"{connection.ConnectionId} recv";
        name = name[..Math.Min(name.Length, 15)];
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == name
                    && File.ReadAllText(Path.Combine(task, "syscall")).Split(' ')[0] is "47" or "45" or "212" or "207")
                {
                    return true;
                }
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }

        return false;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
            await Task.Delay(10);
        }
    }
}
