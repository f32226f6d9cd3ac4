using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Dimse.Store;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>
/// The bridge from the SCP to the store use case: the SCP writes each data-set fragment into a <see cref="Pipe"/>
/// (the fragment is a slice of the receive buffer, valid only during the call, so it is copied once here), and the
/// consumer (the StoreInstance command) reads <c>pipe.Reader.AsStream()</c> and streams it to storage. Both sides
/// are scheduled inline: the consumer resumes inside each flush, on the connection's task, so a C-STORE costs no
/// thread hop per fragment; when the consumer waits on real I/O (an S3 request), the two sides run apart and the
/// pipe's pause threshold gives backpressure: a slow store slows the socket, memory stays bounded.
/// <see cref="CompleteAsync"/> ends the stream and returns the consumer's status, which is success only once the
/// instance is durable.
/// </summary>
public sealed class PipeStoreSink : IStoreInstanceSink
{
    private readonly Pipe _pipe;
    private readonly Task<DimseStatus> _consumer;
    private readonly Action<DimseStatus, long, TimeSpan>? _onCompleted;
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _bytes;
    private int _finished;

    /// <param name="consume">Reads the whole data set from the stream and stores it; starts on the caller's thread.</param>
    /// <param name="onCompleted">Called once with the status, the data-set size and the elapsed time (metrics).</param>
    public PipeStoreSink(Func<Stream, CancellationToken, Task<DimseStatus>> consume, PipeOptions pipeOptions, Action<DimseStatus, long, TimeSpan>? onCompleted, CancellationToken cancellationToken)
    {
        _pipe = new Pipe(pipeOptions);
        _onCompleted = onCompleted;
        var reader = _pipe.Reader;
        // Started inline: it runs until it first waits for data, then resumes inside each FlushAsync of the SCP's
        // connection task (the pipe's reader scheduler is inline), so a C-STORE costs no thread-pool hop per fragment.
        _consumer = ConsumeAsync(reader, consume, cancellationToken);
    }

    private static async Task<DimseStatus> ConsumeAsync(PipeReader reader, Func<Stream, CancellationToken, Task<DimseStatus>> consume, CancellationToken cancellationToken)
    {
        await using var content = reader.AsStream();
        try
        {
            return await consume(content, cancellationToken);
        }
        finally
        {
            // Whatever the outcome, a writer waiting for room must not wait forever.
            await reader.CompleteAsync();
        }
    }

    /// <summary>
    /// The pipe settings the gateway uses: large segments (few per instance), bounded buffering, and both sides
    /// scheduled inline: the consumer runs on the connection's task while data arrives, and only really asynchronous
    /// work (an S3 request, a durable commit) lets the two sides run apart.
    /// </summary>
    public static PipeOptions DefaultPipeOptions { get; } = new(
        pool: MemoryPool<byte>.Shared,
        readerScheduler: PipeScheduler.Inline,
        writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: 4 * 1024 * 1024,
        resumeWriterThreshold: 2 * 1024 * 1024,
        minimumSegmentSize: 64 * 1024,
        useSynchronizationContext: false);

    public long BytesReceived => _bytes;

    public async ValueTask WriteAsync(ReadOnlySequence<byte> dataSetFragment, CancellationToken cancellationToken)
    {
        if (_consumer.IsCompleted)
        {
            // The consumer stopped early (it failed); the rest of the data set is drained and the status comes from it.
            _bytes += dataSetFragment.Length;
            return;
        }

        var writer = _pipe.Writer;
        foreach (var segment in dataSetFragment)
        {
            writer.Write(segment.Span);
        }

        _bytes += dataSetFragment.Length;
        await writer.FlushAsync(cancellationToken);
    }

    public async ValueTask<DimseStatus> CompleteAsync(CancellationToken cancellationToken)
    {
        await _pipe.Writer.CompleteAsync();
        DimseStatus status;
        try
        {
            status = await _consumer.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            status = DimseStatus.OutOfResources;
            Report(status);
            throw;
        }

        Report(status);
        return status;
    }

    public async ValueTask AbortAsync(CancellationToken cancellationToken)
    {
        // The consumer sees the stream fail and discards its upload (nothing half-written becomes visible).
        await _pipe.Writer.CompleteAsync(new OperationCanceledException("The association ended before the data set was complete."));
        try
        {
            await _consumer.WaitAsync(cancellationToken);
        }
        catch (Exception)
        {
            // Expected: the consumer failed on the aborted stream. There is nobody to answer.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_consumer.IsCompleted)
        {
            await AbortAsync(CancellationToken.None);
        }
    }

    private void Report(DimseStatus status)
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0)
        {
            _onCompleted?.Invoke(status, _bytes, Stopwatch.GetElapsedTime(_started));
        }
    }
}
