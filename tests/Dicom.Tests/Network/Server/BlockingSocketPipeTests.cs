using System.Buffers;
using System.Net;
using System.Net.Sockets;
using ImagingGateway.Dicom.Network.Server;

namespace ImagingGateway.Dicom.Tests.Network.Server;

/// <summary>
/// A plain DICOM connection's pipes over blocking socket calls: the receive thread, where the reader resumes, when the
/// thread starts and stops, how errors and the end of the stream reach the reader, backpressure, and sending.
/// </summary>
public sealed class BlockingSocketPipeTests : IDisposable
{
    private const int ReadSize = 128 * 1024;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly Socket _peer;
    private readonly Socket _accepted;

    public BlockingSocketPipeTests()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        _peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _peer.Connect(listener.LocalEndPoint!);
        _accepted = listener.Accept();
    }

    public void Dispose()
    {
        _peer.Dispose();
        _accepted.Dispose();
    }

    [Fact]
    public async Task GivenDataFromThePeer_WhenTheReaderWaitsForIt_ThenItResumesOnTheConnectionsReceiveThreadWithTheBytesSent()
    {
        var pipe = new BlockingSocketPipe(_accepted, ReadSize, "test-1 recv");
        var reading = ReadOnceAsync(pipe);

        await _peer.SendAsync(new byte[] { 1, 2, 3, 4, 5 });
        var (bytes, thread) = await reading.WaitAsync(Patience);

        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, bytes);
        Assert.Equal("test-1 recv", thread);
    }

    [Fact]
    public async Task GivenAConnectionWhoseInputIsNeverRead_WhenThePeerSends_ThenNoReceiveThreadTakesItsBytes()
    {
        // The TLS middleware reads the socket through its stream: the pipe must leave the bytes to it.
        var pipe = new BlockingSocketPipe(_accepted, ReadSize, "test-2 recv");

        await _peer.SendAsync(new byte[] { 0x16, 0x03, 0x01 });
        await Task.Delay(200);
        var received = new byte[8];
        var n = _accepted.Receive(received);

        Assert.False(pipe.Receiving);
        Assert.Equal(3, n);
    }

    [Fact]
    public async Task GivenAReaderAtTheEndOfTheData_WhenThePeerClosesItsSide_ThenTheReadCompletesWithNoError()
    {
        var pipe = new BlockingSocketPipe(_accepted, ReadSize, "test-3 recv");
        await _peer.SendAsync(new byte[] { 9 });
        var first = await pipe.Input.ReadAsync().AsTask().WaitAsync(Patience);
        pipe.Input.AdvanceTo(first.Buffer.End);

        _peer.Shutdown(SocketShutdown.Send);
        var last = await pipe.Input.ReadAsync().AsTask().WaitAsync(Patience);

        Assert.True(last.IsCompleted);
        Assert.Equal(0, last.Buffer.Length);
    }

    [Fact]
    public async Task GivenAReadWaitingForData_WhenThePeerResetsTheConnection_ThenTheReadFailsWithAnIOExceptionCarryingTheSocketError()
    {
        var pipe = new BlockingSocketPipe(_accepted, ReadSize, "test-4 recv");
        var reading = pipe.Input.ReadAsync().AsTask();

        _peer.LingerState = new LingerOption(true, 0); // close with RST
        _peer.Close();
        var error = await Assert.ThrowsAsync<IOException>(() => reading.WaitAsync(Patience));

        Assert.Equal(SocketError.ConnectionReset, Assert.IsType<SocketException>(error.InnerException).SocketErrorCode);
    }

    [Fact]
    public async Task GivenAReadWaitingForData_WhenTheSocketIsDisposed_ThenTheBlockedReceiveEndsAndTheReadFails()
    {
        var pipe = new BlockingSocketPipe(_accepted, ReadSize, "test-5 recv");
        var reading = pipe.Input.ReadAsync().AsTask();
        await Task.Delay(100); // the receive thread is blocked in recv by now

        _accepted.Dispose();
        var error = await Record.ExceptionAsync(() => reading.WaitAsync(Patience));

        Assert.IsType<IOException>(error);
    }

    [Fact]
    public async Task GivenAReadWaitingForData_WhenTheOwnerClosesTheSocketThroughANetworkStream_ThenThePeerReadsEverythingSentAndAnOrderlyClose()
    {
        // As DicomListener and the Gateway close a plain connection (a bare Socket.Dispose() would reset it).
        var pipe = new BlockingSocketPipe(_accepted, ReadSize, "test-8 recv");
        var reading = pipe.Input.ReadAsync().AsTask();
        await Task.Delay(100); // the receive thread is blocked in recv by now
        var abort = new byte[] { 0x07, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x02, 0x00 }; // A-ABORT, PS3.8 9.3.8
        await pipe.Output.WriteAsync(abort);

        new NetworkStream(_accepted, ownsSocket: true).Dispose();
        var received = await ReceiveUntilClosedAsync(_peer).WaitAsync(Patience); // a reset would throw here
        var ended = await Record.ExceptionAsync(() => reading.WaitAsync(Patience)); // the end, or the disposal if first

        Assert.Equal(abort, received);
        Assert.True(ended is null or IOException, $"the read ended with {ended}");
    }

    [Fact]
    public async Task GivenAReaderThatConsumesNothing_WhenThePeerSendsFarMore_ThenTheReceiveThreadStopsAtTheBufferLimit()
    {
        var pipe = new BlockingSocketPipe(_accepted, ReadSize, "test-6 recv");
        _accepted.ReceiveBufferSize = 64 * 1024; // small kernel buffers, so that they cannot hold the payload either
        _peer.SendBufferSize = 64 * 1024;
        var payload = new byte[64 * ReadSize];
        var sending = _peer.SendAsync(payload);
        var first = await pipe.Input.ReadAsync().AsTask().WaitAsync(Patience);
        pipe.Input.AdvanceTo(first.Buffer.Start, first.Buffer.Start);

        await Task.Delay(500); // time for an unbounded reader to take everything the kernel buffers hold
        Assert.True(pipe.Input.TryRead(out var held));

        Assert.InRange(held.Buffer.Length, 1, 5L * ReadSize); // the pause threshold (4 read sizes) plus one receive
        Assert.False(sending.IsCompleted, "the peer could send everything: nothing held it back");
        pipe.Input.Complete();
        _accepted.Dispose();
    }

    [Fact]
    public async Task GivenAResponse_WhenItIsWrittenAndFlushed_ThenThePeerReceivesAllOfItsBytesInOrder()
    {
        var pipe = new BlockingSocketPipe(_accepted, ReadSize, "test-7 recv");
        var response = new byte[300_000];
        Random.Shared.NextBytes(response);
        var receiving = ReceiveExactlyAsync(_peer, response.Length);

        await pipe.Output.WriteAsync(response);
        var received = await receiving.WaitAsync(Patience);

        Assert.True(received.AsSpan().SequenceEqual(response));
    }

    private static async Task<byte[]> ReceiveUntilClosedAsync(Socket socket)
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        int n;
        while ((n = await socket.ReceiveAsync(buffer.AsMemory())) > 0)
        {
            received.AddRange(buffer.AsSpan(0, n));
        }

        return [.. received];
    }

    private static async Task<(byte[] Bytes, string? Thread)> ReadOnceAsync(BlockingSocketPipe pipe)
    {
        var read = await pipe.Input.ReadAsync();
        var bytes = read.Buffer.ToArray();
        var thread = Thread.CurrentThread.Name;
        pipe.Input.AdvanceTo(read.Buffer.End);
        return (bytes, thread);
    }

    private static async Task<byte[]> ReceiveExactlyAsync(Socket socket, int length)
    {
        var buffer = new byte[length];
        var offset = 0;
        while (offset < length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(offset));
            Assert.True(n > 0, $"the connection ended after {offset} of {length} bytes");
            offset += n;
        }

        return buffer;
    }
}
