using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace ImagingGateway.Dicom.Network.Server;

/// <summary>
/// The pipes of a plain (not TLS) DICOM connection, with blocking socket calls instead of .NET's asynchronous ones
/// (<see cref="DicomListener"/> and the Gateway's Kestrel transport serve plain connections over it).
/// A thread of the connection's own receives into the input pipe, up to <c>readSize</c> bytes per call, and
/// the pipe resumes its reader (the association) inline on that thread: a C-STORE is read, stored and answered there
/// while the sender waits for its response. The response is sent with a blocking call on whichever thread writes it.
/// <para>
/// Why: with asynchronous receives every C-STORE takes a detour through .NET's socket engine. Its epoll thread sees the
/// data, wakes a thread-pool worker to read it, and the pool wakes one more worker in case there is more work; on two
/// cores shared with the sender that is three thread wake-ups per instance. A thread blocked in <c>recv</c> is woken by
/// the kernel when the data arrives, once (docs/performance.md, "The DICOM transport").
/// </para>
/// <para>
/// The thread starts at the first read of <see cref="Input"/>, so a connection that turns out to need TLS, and then
/// reads the socket through its stream instead (the Gateway's TLS middleware), never starts it. It stops when the peer
/// closes the connection, when the reader completes the pipe, or when the owner closes the socket (which unblocks the
/// pending receive); a receive error reaches the reader as an <see cref="IOException"/>, as <see cref="NetworkStream"/>
/// reports it. The pipe pauses the thread once <c>4 × readSize</c> bytes wait unread, so a slow store slows the sender
/// and memory stays bounded.
/// </para>
/// <para>
/// The owner closes the socket in order, through <see cref="NetworkStream"/> (its disposal shuts the socket down first,
/// as <see cref="DicomListener"/> and the Gateway do): a bare <see cref="Socket.Dispose()"/> while the thread is
/// blocked in <c>recv</c> makes .NET reset the connection, and the peer could lose what it had not read yet, such as
/// a final A-ABORT (PS3.8 9.1.6: the transport is closed only after it).
/// </para>
/// </summary>
public sealed class BlockingSocketPipe : IDuplexPipe
{
    private readonly Socket _socket;
    private readonly int _readSize;
    private readonly Pipe _received;
    private readonly string _threadName;
    private int _started;
    private long _receives;

    public BlockingSocketPipe(Socket socket, int readSize, string threadName)
    {
        _socket = socket;
        _readSize = readSize;
        _threadName = threadName;
        _received = new Pipe(new PipeOptions(
            pool: MemoryPool<byte>.Shared,
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: 4L * readSize,
            resumeWriterThreshold: 2L * readSize,
            minimumSegmentSize: readSize,
            useSynchronizationContext: false));
        Input = new StartingReader(_received.Reader, this);
        Output = PipeWriter.Create(new SendStream(socket), new StreamPipeWriterOptions(minimumBufferSize: Math.Min(readSize, 64 * 1024), leaveOpen: true));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    /// <summary>Whether the receive thread was started (the input was read).</summary>
    public bool Receiving => Volatile.Read(ref _started) != 0;

    /// <summary>How many receive calls returned data: one per <c>readSize</c> bytes at most, whatever the sender's pace.</summary>
    public long Receives => Interlocked.Read(ref _receives);

    private void EnsureReceiving()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            new Thread(Receive) { IsBackground = true, Name = _threadName }.Start();
        }
    }

    private void Receive()
    {
        var writer = _received.Writer;
        Exception? failure = null;
        try
        {
            while (true)
            {
                // A new segment holds readSize bytes; a receive takes whatever room is left in it, at least a quarter.
                var memory = writer.GetMemory(_readSize / 4);
                var received = _socket.Receive(memory.Span, SocketFlags.None);
                if (received == 0)
                {
                    break; // the peer closed its side
                }

                writer.Advance(received);
                Interlocked.Increment(ref _receives);
                var flush = writer.FlushAsync();
                var result = flush.IsCompleted ? flush.Result : flush.AsTask().GetAwaiter().GetResult();
                if (result.IsCompleted || result.IsCanceled)
                {
                    break; // the reader is done with the connection
                }
            }
        }
        catch (SocketException e)
        {
            failure = new IOException($"Unable to read data from the transport connection: {e.Message}.", e);
        }
        catch (ObjectDisposedException e)
        {
            failure = new IOException("The connection was closed while a read was waiting.", e);
        }
        catch (Exception e)
        {
            failure = e;
        }

        writer.Complete(failure);
    }

    /// <summary>The input's reader, which starts the receive thread on its first read.</summary>
    private sealed class StartingReader(PipeReader inner, BlockingSocketPipe owner) : PipeReader
    {
        // The read is registered before the thread starts, so the thread's first flush resumes it with that data alone.
        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            var read = inner.ReadAsync(cancellationToken);
            owner.EnsureReceiving();
            return read;
        }

        public override bool TryRead(out ReadResult result)
        {
            var read = inner.TryRead(out result);
            owner.EnsureReceiving();
            return read;
        }

        public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }

    /// <summary>The output's stream: each write is one blocking send of all its bytes.</summary>
    private sealed class SendStream(Socket socket) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            try
            {
                while (!buffer.IsEmpty)
                {
                    buffer = buffer[socket.Send(buffer, SocketFlags.None)..];
                }
            }
            catch (SocketException e)
            {
                throw new IOException($"Unable to write data to the transport connection: {e.Message}.", e);
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
