using System.Buffers;
using System.Threading.Tasks.Sources;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>
/// A read-only stream over data-set fragments that the SCP hands over one at a time, without copying them: the
/// producer offers a fragment (a slice of the receive buffer, valid only until its offer returns) and waits until the
/// consumer has used it up; the consumer reads it, or, through <see cref="CopyToAsync(Stream, int, CancellationToken)"/>,
/// writes its segments straight to the destination. One producer, one consumer, strictly in turn.
/// <para>
/// Both sides resume inline: an offer runs the waiting consumer on the producer's thread, and when the consumer has
/// taken the fragment without waiting on I/O, the offer completes synchronously; only a consumer that really waits
/// (an S3 request) lets the producer's call go asynchronous. Nothing is buffered here, so memory is what the caller
/// holds: the connection's receive pipe and the store's upload buffer.
/// </para>
/// </summary>
internal sealed class FragmentHandOff : Stream
{
    private readonly Lock _gate = new();
    private readonly Signal _offered = new();
    private readonly Signal _taken = new();
    private ReadOnlySequence<byte> _fragment;
    private bool _hasFragment;
    private bool _consumerWaiting;
    private bool _producerWaiting;
    private bool _ended;
    private Exception? _failure;
    private bool _stopped;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>
    /// Producer: hands <paramref name="fragment"/> to the consumer and completes once the consumer has used it up or
    /// stopped reading; the fragment is not touched after that.
    /// </summary>
    public ValueTask OfferAsync(ReadOnlySequence<byte> fragment, CancellationToken cancellationToken)
    {
        if (fragment.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        bool wakeConsumer;
        lock (_gate)
        {
            if (_stopped)
            {
                return ValueTask.CompletedTask;
            }

            if (_hasFragment || _ended || _failure is not null)
            {
                throw new InvalidOperationException("A fragment is offered only after the previous one was taken, and before the end.");
            }

            _fragment = fragment;
            _hasFragment = true;
            wakeConsumer = _consumerWaiting;
            _consumerWaiting = false;
        }

        if (wakeConsumer)
        {
            // The consumer resumes here, on this thread, and usually takes the whole fragment before this returns.
            _offered.Set();
        }

        lock (_gate)
        {
            if (!_hasFragment || _stopped)
            {
                return ValueTask.CompletedTask;
            }

            _producerWaiting = true;
            _taken.Reset();
        }

        var taken = _taken.WaitAsync();
        return cancellationToken.CanBeCanceled ? new ValueTask(taken.AsTask().WaitAsync(cancellationToken)) : taken;
    }

    /// <summary>Producer: the data set is complete; the consumer reads to its end.</summary>
    public void End() => Finish(null);

    /// <summary>Producer: the data set will not complete; the consumer's next read throws <paramref name="failure"/>.</summary>
    public void Fail(Exception failure) => Finish(failure);

    /// <summary>Consumer: it reads no more; a producer waiting on its fragment goes on, and later offers are dropped.</summary>
    public void StopReading()
    {
        bool wakeProducer;
        lock (_gate)
        {
            _stopped = true;
            _hasFragment = false;
            _fragment = default;
            wakeProducer = _producerWaiting;
            _producerWaiting = false;
        }

        if (wakeProducer)
        {
            _taken.Set();
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        FragmentState state;
        while ((state = NextFragment()) == FragmentState.Waiting)
        {
            await _offered.WaitAsync().ConfigureAwait(false);
        }

        if (state == FragmentState.End)
        {
            return 0;
        }

        var count = (int)Math.Min(buffer.Length, _fragment.Length);
        _fragment.Slice(0, count).CopyTo(buffer.Span);
        _fragment = _fragment.Slice(count);
        if (_fragment.IsEmpty)
        {
            Taken();
        }

        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Writes each fragment's segments straight to <paramref name="destination"/>: no copy on the way.</summary>
    public override async Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
    {
        while (true)
        {
            FragmentState state;
            while ((state = NextFragment()) == FragmentState.Waiting)
            {
                await _offered.WaitAsync().ConfigureAwait(false);
            }

            if (state == FragmentState.End)
            {
                return;
            }

            foreach (var segment in _fragment)
            {
                if (!segment.IsEmpty)
                {
                    await destination.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
                }
            }

            _fragment = default;
            Taken();
        }
    }

    /// <summary>Synchronous reads would block the producer's own thread, which must run to deliver the data.</summary>
    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("The data set arrives asynchronously: read it with ReadAsync or CopyToAsync.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            StopReading();
        }

        base.Dispose(disposing);
    }

    private void Finish(Exception? failure)
    {
        bool wakeConsumer;
        lock (_gate)
        {
            if (_ended || _failure is not null)
            {
                return;
            }

            _ended = failure is null;
            _failure = failure;
            wakeConsumer = _consumerWaiting;
            _consumerWaiting = false;
        }

        if (wakeConsumer)
        {
            _offered.Set();
        }
    }

    /// <summary>
    /// Consumer: <see cref="FragmentState.Available"/> with <see cref="_fragment"/> holding unread bytes,
    /// <see cref="FragmentState.End"/> at the end, or <see cref="FragmentState.Waiting"/>, registered to be woken
    /// through <see cref="_offered"/>; throws if the producer failed. The readers await <see cref="_offered"/> in their
    /// own loops, not in a helper method: a Task-based helper's completion would not resume them inline on a thread
    /// with a synchronization context (xunit's), and the hand-off relies on resuming inline.
    /// </summary>
    private FragmentState NextFragment()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                throw new ObjectDisposedException(nameof(FragmentHandOff));
            }

            if (_hasFragment)
            {
                return FragmentState.Available;
            }

            if (_failure is not null)
            {
                throw _failure;
            }

            if (_ended)
            {
                return FragmentState.End;
            }

            _consumerWaiting = true;
            _offered.Reset();
            return FragmentState.Waiting;
        }
    }

    private void Taken()
    {
        bool wakeProducer;
        lock (_gate)
        {
            _hasFragment = false;
            wakeProducer = _producerWaiting;
            _producerWaiting = false;
        }

        if (wakeProducer)
        {
            _taken.Set();
        }
    }

    private enum FragmentState
    {
        Available,
        End,
        Waiting,
    }

    /// <summary>A reusable one-shot wake-up whose waiter resumes inline on the thread that sets it.</summary>
    private sealed class Signal : IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = false };

        public void Reset() => _core.Reset();

        public void Set() => _core.SetResult(true);

        public ValueTask WaitAsync() => new(this, _core.Version);

        public void GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
