using System.Buffers;
using System.Runtime.InteropServices;
using ImagingGateway.Application.Batches;
using ImagingGateway.Application.Batches.CloseAssociationBatches;
using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Application.Instances;
using ImagingGateway.Application.Instances.StoreInstance;
using ImagingGateway.Dicom.Network.Dimse;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Application.Tests.Instances.StoreInstance;

/// <summary>
/// The session the SCP pushes a C-STORE's fragments into: each segment goes to the upload from the caller's own memory,
/// in order; a write waits for the store (backpressure); an abort or a dispose without completion discards the upload
/// and gives the batch place back.
/// </summary>
public sealed class StoreInstanceSessionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task GivenFragmentsOfSeveralSegments_WhenWritten_ThenTheUploadGetsEachSegmentFromTheCallersMemoryInOrder()
    {
        await using var host = new TestHost();
        var store = new RecordingStore(host.Store);
        var dataSet = TestDataSet.Instance(Seed.SopUid(1), pixelBytes: 3000).ExplicitLittle();
        var pieces = new[] { dataSet[..100], dataSet[100..1500], dataSet[1500..1501], dataSet[1501..] };
        await using var session = await OpenAsync(host, store);

        await session.WriteAsync(Sequence(pieces[0], pieces[1]), CancellationToken.None);
        await session.WriteAsync(new ReadOnlySequence<byte>(pieces[2]), CancellationToken.None);
        await session.WriteAsync(new ReadOnlySequence<byte>(pieces[3]), CancellationToken.None);
        var result = await session.CompleteAsync(CancellationToken.None);

        Assert.Equal(DimseStatus.Success, result.Status);
        var dataSetWrites = store.Writes.Skip(1).ToList(); // the first write is the file meta information
        Assert.Equal(pieces.Length, dataSetWrites.Count);
        for (var i = 0; i < pieces.Length; i++)
        {
            Assert.True(MemoryMarshal.TryGetArray(dataSetWrites[i], out var written) && ReferenceEquals(written.Array, pieces[i]), $"write {i} is not the caller's memory");
        }

        Assert.Equal(dataSet, host.Store.Read(result.ObjectKey!)[^dataSet.Length..]);
        Assert.Equal(dataSet.Length, session.Length);
    }

    [Fact]
    public async Task GivenAStoreWhoseWriteWaitsOnIo_WhenAFragmentIsWritten_ThenTheWriteCompletesOnlyAfterTheStoresWrite()
    {
        await using var host = new TestHost();
        var store = new RecordingStore(host.Store);
        var dataSet = TestDataSet.Instance(Seed.SopUid(1)).ExplicitLittle();
        await using var session = await OpenAsync(host, store);
        var storeWrite = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.WaitBeforeWrite = storeWrite.Task;

        var write = session.WriteAsync(new ReadOnlySequence<byte>(dataSet), CancellationToken.None).AsTask();
        await Task.Delay(100);

        Assert.False(write.IsCompleted);
        storeWrite.SetResult();
        await write.WaitAsync(Patience);
        Assert.Equal(DimseStatus.Success, (await session.CompleteAsync(CancellationToken.None)).Status);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task GivenAnInstanceCutMidWay_WhenAbortedOrDisposed_ThenTheUploadIsDiscardedAndTheBatchHasNothingToClose(bool abort)
    {
        await using var host = new TestHost();
        var dataSet = TestDataSet.Instance(Seed.SopUid(1), pixelBytes: 10_000).ExplicitLittle();
        var session = await OpenAsync(host, host.Store);
        await session.WriteAsync(new ReadOnlySequence<byte>(dataSet, 0, 3000), CancellationToken.None);

        if (abort)
        {
            await session.AbortAsync();
        }

        await session.DisposeAsync();

        Assert.Empty(host.Store.Keys);
        Assert.Equal(0, host.Store.OpenUploads);
        var closed = await host.Mediator.Send(new CloseAssociationBatchesCommand("assoc-1", "A-ABORT"));
        Assert.Null(Assert.Single(closed.Batches).ManifestKey);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await session.WriteAsync(new ReadOnlySequence<byte>(dataSet), CancellationToken.None));
    }

    [Fact]
    public async Task GivenARefusedHeader_WhenTheRestOfTheDataSetIsWritten_ThenItIsIgnoredAndNothingMoreReachesTheUpload()
    {
        await using var host = new TestHost();
        var store = new RecordingStore(host.Store);
        var dataSet = TestDataSet.Instance(Seed.SopUid(2), pixelBytes: 100_000).ExplicitLittle();
        await using var session = await OpenAsync(host, store);

        for (var offset = 0; offset < dataSet.Length; offset += 4096)
        {
            await session.WriteAsync(new ReadOnlySequence<byte>(dataSet, offset, Math.Min(4096, dataSet.Length - offset)), CancellationToken.None);
        }

        var result = await session.CompleteAsync(CancellationToken.None);

        Assert.Equal(DimseStatus.DataSetDoesNotMatchSopClass, result.Status);
        Assert.Single(store.Writes); // the file meta information only: the header was refused in the first segment
        Assert.Empty(host.Store.Keys);
        Assert.Equal(0, host.Store.OpenUploads);
    }

    /// <summary>Opens a session for SOP instance 1 of association assoc-1 as the mediator would, on the given store.</summary>
    private static async Task<StoreInstanceSession> OpenAsync(TestHost host, IInstanceStore store)
    {
        var handler = new StoreInstanceHandler(
            host.Registry, host.Get<BatchCloser>(), store, host.Get<OpenBatchMarkers>(), host.Time, host.Get<IOptions<ReceiveOptions>>(), NullLogger<StoreInstanceSession>.Instance);
        return await handler.Handle(StoreInstanceHandlerTests.Command("assoc-1", Seed.SopUid(1)), CancellationToken.None);
    }

    private static ReadOnlySequence<byte> Sequence(byte[] first, byte[] second)
    {
        var head = new Segment(first);
        var tail = head.Append(second);
        return new ReadOnlySequence<byte>(head, 0, tail, second.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }

    /// <summary>The in-memory store, with each write to an upload recorded as the memory it was given, and optionally held.</summary>
    private sealed class RecordingStore(IInstanceStore inner) : IInstanceStore
    {
        public List<ReadOnlyMemory<byte>> Writes { get; } = [];

        public Task? WaitBeforeWrite { get; set; }

        public async Task<IInstanceUpload> BeginPutAsync(string key, CancellationToken cancellationToken) =>
            new Upload(await inner.BeginPutAsync(key, cancellationToken), this);

        public Task<Stream?> OpenReadAsync(string key, ByteRange? range, CancellationToken cancellationToken) => inner.OpenReadAsync(key, range, cancellationToken);

        public Task<StoredObjectInfo?> GetInfoAsync(string key, CancellationToken cancellationToken) => inner.GetInfoAsync(key, cancellationToken);

        public IAsyncEnumerable<StoredObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

        public string LocationOf(string keyOrPrefix) => inner.LocationOf(keyOrPrefix);

        private sealed class Upload(IInstanceUpload inner, RecordingStore store) : IInstanceUpload
        {
            public string Key => inner.Key;

            public Stream Content { get; } = new RecordingStream(inner.Content, store);

            public Task<StoredObjectInfo> CommitAsync(CancellationToken cancellationToken) => inner.CommitAsync(cancellationToken);

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }

        private sealed class RecordingStream(Stream inner, RecordingStore store) : Stream
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
                store.Writes.Add(buffer);
                if (store.WaitBeforeWrite is { } wait)
                {
                    await wait.WaitAsync(cancellationToken);
                }

                await inner.WriteAsync(buffer, cancellationToken);
            }

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("the session writes asynchronously");

            public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

            public override void Flush() => inner.Flush();

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();
        }
    }
}
