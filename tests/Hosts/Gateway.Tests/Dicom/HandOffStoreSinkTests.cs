using System.Buffers;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Dimse.Store;
using ImagingGateway.Gateway.Dicom;

namespace ImagingGateway.Gateway.Tests.Dicom;

/// <summary>
/// The SCP's data-set fragments handed to the store use case without a copy: order and content, where the consumer
/// runs, when a write waits for it, and how an early stop, an abort and cancellation end the hand-off.
/// </summary>
public sealed class HandOffStoreSinkTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task GivenAConsumerCopyingToMemory_WhenFragmentsAreWritten_ThenEachWriteCompletesOnTheCallersThreadAndTheBytesArriveInOrder()
    {
        var received = new MemoryStream();
        var consumerThreads = new List<int>();
        var destination = new RecordingStream(received, () => consumerThreads.Add(Environment.CurrentManagedThreadId));
        var sink = SinkCopyingTo(destination);

        var writes = new List<bool>();
        foreach (var fragment in new[] { Sequence([1, 2, 3], [4, 5]), Sequence([6]), Sequence([7, 8, 9, 10]) })
        {
            var write = sink.WriteAsync(fragment, CancellationToken.None);
            writes.Add(write.IsCompletedSuccessfully);
            await write;
        }

        var status = await sink.CompleteAsync(CancellationToken.None);

        Assert.Equal(DimseStatus.Success, status.Status);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, received.ToArray());
        Assert.All(writes, Assert.True);
        Assert.Equal(4, consumerThreads.Count); // one write per segment: the fragments' own memory, not a copy
        Assert.All(consumerThreads, id => Assert.Equal(Environment.CurrentManagedThreadId, id));
        Assert.Equal(10, sink.BytesReceived);
    }

    [Fact]
    public async Task GivenAConsumerWhoseStoreWaitsOnIo_WhenAFragmentIsWritten_ThenTheWriteCompletesOnlyAfterTheConsumerHasUsedTheFragment()
    {
        var storeWrite = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new List<byte[]>();
        var destination = new RecordingStream(Stream.Null, onWrite: null, (data, ct) =>
        {
            seen.Add(data.ToArray());
            return new ValueTask(storeWrite.Task.WaitAsync(ct));
        });
        var sink = SinkCopyingTo(destination);

        var write = sink.WriteAsync(Sequence([42, 43]), CancellationToken.None).AsTask();
        await Task.Delay(100);

        Assert.False(write.IsCompleted);
        Assert.Equal(new byte[] { 42, 43 }, Assert.Single(seen));

        storeWrite.SetResult();
        await write.WaitAsync(Patience);
        Assert.Equal(DimseStatus.Success, (await sink.CompleteAsync(CancellationToken.None).AsTask().WaitAsync(Patience)).Status);
    }

    [Fact]
    public async Task GivenAConsumerReadingWithASmallBuffer_WhenFragmentsSpanSegments_ThenItReadsEveryByteInOrder()
    {
        var received = new List<byte>();
        var sink = new HandOffStoreSink(
            async (content, ct) =>
            {
                var buffer = new byte[2];
                int n;
                while ((n = await content.ReadAsync(buffer, ct)) > 0)
                {
                    received.AddRange(buffer.AsSpan(0, n).ToArray());
                }

                return new StoreOutcome(DimseStatus.Success);
            },
            onCompleted: null,
            CancellationToken.None);

        await sink.WriteAsync(Sequence([1, 2, 3], [4], [5, 6, 7]), CancellationToken.None);
        await sink.WriteAsync(Sequence([8]), CancellationToken.None);
        var status = await sink.CompleteAsync(CancellationToken.None);

        Assert.Equal(DimseStatus.Success, status.Status);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, received.ToArray());
    }

    [Fact]
    public async Task GivenAConsumerThatStopsEarly_WhenTheRestOfTheDataSetArrives_ThenTheWritesCompleteAndItsStatusIsTheAnswer()
    {
        var refused = new DimseStatus(0xC000);
        (DimseStatus Status, long Bytes)? reported = null;
        var sink = new HandOffStoreSink(
            async (content, ct) =>
            {
                var first = new byte[1];
                await content.ReadExactlyAsync(first, ct);
                return new StoreOutcome(refused, "refused");
            },
            (status, bytes, _) => reported = (status, bytes),
            CancellationToken.None);

        await sink.WriteAsync(Sequence([1, 2, 3]), CancellationToken.None).AsTask().WaitAsync(Patience);
        var later = sink.WriteAsync(Sequence([4, 5]), CancellationToken.None);

        Assert.True(later.IsCompletedSuccessfully);
        Assert.Equal(new StoreOutcome(refused, "refused"), await sink.CompleteAsync(CancellationToken.None));
        Assert.Equal((refused, 5L), reported);
    }

    [Fact]
    public async Task GivenAConsumerWaitingForData_WhenTheAssociationIsAborted_ThenItsReadFailsAndAbortReturns()
    {
        Exception? seen = null;
        var sink = new HandOffStoreSink(
            async (content, ct) =>
            {
                try
                {
                    await content.CopyToAsync(Stream.Null, ct);
                    return new StoreOutcome(DimseStatus.Success);
                }
                catch (Exception e)
                {
                    seen = e;
                    throw;
                }
            },
            onCompleted: null,
            CancellationToken.None);

        await sink.WriteAsync(Sequence([1]), CancellationToken.None);
        await sink.AbortAsync(CancellationToken.None).AsTask().WaitAsync(Patience);

        Assert.IsType<OperationCanceledException>(seen);
    }

    [Fact]
    public async Task GivenAnUnfinishedDataSet_WhenTheSinkIsDisposed_ThenTheConsumerSeesTheAbort()
    {
        var consumer = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = new HandOffStoreSink(
            async (content, ct) =>
            {
                try
                {
                    await content.CopyToAsync(Stream.Null, ct);
                    consumer.SetResult(null);
                }
                catch (Exception e)
                {
                    consumer.SetResult(e);
                }

                return new StoreOutcome(DimseStatus.Success);
            },
            onCompleted: null,
            CancellationToken.None);

        await sink.WriteAsync(Sequence([1, 2]), CancellationToken.None);
        await sink.DisposeAsync().AsTask().WaitAsync(Patience);

        Assert.IsType<OperationCanceledException>(await consumer.Task.WaitAsync(Patience));
    }

    [Fact]
    public async Task GivenAConsumerStuckInItsStore_WhenTheWritersTokenIsCancelled_ThenTheWriteEndsWithCancellation()
    {
        var never = new TaskCompletionSource();
        var destination = new RecordingStream(Stream.Null, onWrite: null, (_, _) => new ValueTask(never.Task));
        var sink = SinkCopyingTo(destination);
        using var cancellation = new CancellationTokenSource();

        var write = sink.WriteAsync(Sequence([1]), cancellation.Token).AsTask();
        Assert.False(write.IsCompleted);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write.WaitAsync(Patience));
    }

    [Fact]
    public async Task GivenAConsumerThatReadsSynchronously_WhenItReads_ThenItIsToldToReadAsynchronously()
    {
        var sink = new HandOffStoreSink(
            (content, _) =>
            {
                var error = Assert.Throws<NotSupportedException>(() => content.ReadByte());
                Assert.Contains("ReadAsync", error.Message, StringComparison.Ordinal);
                return Task.FromResult(new StoreOutcome(DimseStatus.Success));
            },
            onCompleted: null,
            CancellationToken.None);

        var later = sink.WriteAsync(Sequence([1]), CancellationToken.None);

        Assert.True(later.IsCompletedSuccessfully);
        Assert.Equal(DimseStatus.Success, (await sink.CompleteAsync(CancellationToken.None)).Status);
    }

    /// <summary>A sink whose consumer copies the whole data set into <paramref name="destination"/>, then answers success.</summary>
    private static HandOffStoreSink SinkCopyingTo(Stream destination) => new(
        async (content, ct) =>
        {
            await content.CopyToAsync(destination, ct);
            return new StoreOutcome(DimseStatus.Success);
        },
        onCompleted: null,
        CancellationToken.None);

    private static ReadOnlySequence<byte> Sequence(params byte[][] segments)
    {
        if (segments.Length == 1)
        {
            return new ReadOnlySequence<byte>(segments[0]);
        }

        var first = new Segment(segments[0], 0);
        var last = first;
        foreach (var bytes in segments.Skip(1))
        {
            last = last.Append(bytes);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    /// <summary>A destination that records each write, and can make the write wait (a store waiting on I/O).</summary>
    private sealed class RecordingStream(Stream inner, Action? onWrite, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask>? write = null) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => throw new NotSupportedException();
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            onWrite?.Invoke();
            if (write is not null)
            {
                await write(buffer, cancellationToken);
            }

            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
