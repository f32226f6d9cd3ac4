using System.Buffers;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Dimse.Store;

namespace ImagingGateway.Dicom.Network.Server;

/// <summary>
/// A request whose data set is still arriving: streamed into a store sink, collected in memory up to a limit (a small
/// N-ACTION data set, answered once complete), or discarded because the answer is already known (refused C-STORE,
/// unrecognized operation). A sink that fails mid-way is aborted at once and the
/// rest of the data set is drained, so the peer still gets a proper C-STORE-RSP (A700) and the association lives on.
/// </summary>
internal sealed class PendingMessage
{
    private IStoreInstanceSink? _sink;
    private CommandSet? _response;
    private ArrayBufferWriter<byte>? _collected;
    private int _maxCollected;
    private CommandSet? _tooLarge;
    private Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask<CommandSet>>? _complete;

    private PendingMessage(CommandSet request, byte contextId)
    {
        Request = request;
        ContextId = contextId;
    }

    public CommandSet Request { get; }

    public byte ContextId { get; }

    public long BytesReceived { get; private set; }

    /// <summary>Runs once the response has been sent (e.g. lets a report that must follow it go out).</summary>
    public Action? AfterResponse { get; private init; }

    public static PendingMessage Store(CommandSet request, byte contextId, IStoreInstanceSink sink) =>
        new(request, contextId) { _sink = sink };

    public static PendingMessage Discard(CommandSet request, byte contextId, CommandSet response) =>
        new(request, contextId) { _response = response };

    /// <summary>
    /// Collects the data set in memory; <paramref name="complete"/> answers it. Past <paramref name="maxLength"/> bytes the
    /// rest is discarded and <paramref name="tooLarge"/> answers instead.
    /// </summary>
    public static PendingMessage Collect(CommandSet request, byte contextId, int maxLength, CommandSet tooLarge,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask<CommandSet>> complete, Action? afterResponse) =>
        new(request, contextId) { _collected = new ArrayBufferWriter<byte>(1024), _maxCollected = maxLength, _tooLarge = tooLarge, _complete = complete, AfterResponse = afterResponse };

    public async ValueTask WriteAsync(ReadOnlySequence<byte> fragment, CancellationToken cancellationToken)
    {
        BytesReceived += fragment.Length;
        if (_collected is { } collected)
        {
            if (collected.WrittenCount + fragment.Length > _maxCollected)
            {
                (_collected, _complete, _response) = (null, null, _tooLarge);
                return;
            }

            foreach (var segment in fragment)
            {
                collected.Write(segment.Span);
            }

            return;
        }

        if (_sink is null)
        {
            return;
        }

        try
        {
            await _sink.WriteAsync(fragment, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await FailAsync(e.Message).ConfigureAwait(false);
        }
    }

    /// <summary>All fragments arrived: complete the sink (durable store) and build the response.</summary>
    public async ValueTask<CommandSet> FinishAsync(CancellationToken cancellationToken)
    {
        if (_complete is { } complete)
        {
            var data = _collected!.WrittenMemory;
            (_collected, _complete) = (null, null);
            return await complete(data, cancellationToken).ConfigureAwait(false);
        }

        if (_sink is { } sink)
        {
            _sink = null;
            try
            {
                var outcome = await sink.CompleteAsync(cancellationToken).ConfigureAwait(false);
                _response = StoreMessages.CreateResponse(Request, outcome.Status, outcome.ErrorComment);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _response = StoreMessages.CreateResponse(Request, DimseStatus.OutOfResources, e.Message);
            }
            finally
            {
                await sink.DisposeAsync().ConfigureAwait(false);
            }
        }

        return _response!;
    }

    /// <summary>The data set will never complete: discard whatever the sink holds.</summary>
    public async ValueTask AbortAsync()
    {
        (_collected, _complete) = (null, null);
        if (_sink is { } sink)
        {
            _sink = null;
            try
            {
                await sink.AbortAsync(CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                await sink.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async ValueTask FailAsync(string detail)
    {
        await AbortAsync().ConfigureAwait(false);
        _response = StoreMessages.CreateResponse(Request, DimseStatus.OutOfResources, detail);
    }
}
