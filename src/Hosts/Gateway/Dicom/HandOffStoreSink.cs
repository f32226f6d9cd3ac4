using System.Buffers;
using System.Diagnostics;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Dimse.Store;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>
/// The bridge from the SCP to the store use case: the SCP hands each data-set fragment (a slice of the receive
/// buffer, valid only during the call) through a <see cref="FragmentHandOff"/> to the consumer (the StoreInstance
/// command), which reads it as a stream and copies it straight into the store's upload: no copy of the fragment on
/// the way. The consumer resumes inline inside each write, on the connection's thread, so a C-STORE costs no thread
/// hop per fragment; when the consumer waits on real I/O (an S3 request), the SCP's write waits for it, which is the
/// backpressure: a slow store slows the socket, and memory stays bounded by the connection's receive pipe.
/// <see cref="CompleteAsync"/> ends the stream and returns the consumer's outcome, which is success only once the
/// instance is durable.
/// </summary>
public sealed class HandOffStoreSink : IStoreInstanceSink
{
    private readonly FragmentHandOff _handOff = new();
    private readonly Task<StoreOutcome> _consumer;
    private readonly Action<DimseStatus, long, TimeSpan>? _onCompleted;
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _bytes;
    private int _finished;

    /// <param name="consume">Reads the whole data set from the stream and stores it; starts on the caller's thread.</param>
    /// <param name="onCompleted">Called once with the status, the data-set size and the elapsed time (metrics).</param>
    public HandOffStoreSink(Func<Stream, CancellationToken, Task<StoreOutcome>> consume, Action<DimseStatus, long, TimeSpan>? onCompleted, CancellationToken cancellationToken)
    {
        _onCompleted = onCompleted;
        // Started inline: it runs until it first waits for data, then resumes inside each WriteAsync.
        _consumer = ConsumeAsync(_handOff, consume, cancellationToken);
    }

    private static async Task<StoreOutcome> ConsumeAsync(FragmentHandOff content, Func<Stream, CancellationToken, Task<StoreOutcome>> consume, CancellationToken cancellationToken)
    {
        try
        {
            return await consume(content, cancellationToken);
        }
        finally
        {
            // Whatever the outcome, a writer waiting for its fragment to be taken must not wait forever.
            content.StopReading();
        }
    }

    public long BytesReceived => _bytes;

    public ValueTask WriteAsync(ReadOnlySequence<byte> dataSetFragment, CancellationToken cancellationToken)
    {
        // Once the consumer stopped early (it failed), the rest of the data set is drained and the status comes from it.
        _bytes += dataSetFragment.Length;
        return _handOff.OfferAsync(dataSetFragment, cancellationToken);
    }

    public async ValueTask<StoreOutcome> CompleteAsync(CancellationToken cancellationToken)
    {
        _handOff.End();
        StoreOutcome outcome;
        try
        {
            outcome = await _consumer.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            Report(DimseStatus.OutOfResources);
            throw;
        }

        Report(outcome.Status);
        return outcome;
    }

    public async ValueTask AbortAsync(CancellationToken cancellationToken)
    {
        // The consumer sees the stream fail and discards its upload (nothing half-written becomes visible).
        _handOff.Fail(new OperationCanceledException("The association ended before the data set was complete."));
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
