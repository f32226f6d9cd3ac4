using System.Buffers;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Dimse.Store;

namespace ImagingGateway.Dicom.Network.Server;

/// <summary>
/// A request whose data set is still arriving: either streamed into a store sink, or discarded because the answer is
/// already known (refused C-STORE, unrecognized operation). A sink that fails mid-way is aborted at once and the
/// rest of the data set is drained, so the peer still gets a proper C-STORE-RSP (A700) and the association lives on.
/// </summary>
internal sealed class PendingMessage
{
    private IStoreInstanceSink? _sink;
    private CommandSet? _response;

    private PendingMessage(CommandSet request, byte contextId)
    {
        Request = request;
        ContextId = contextId;
    }

    public CommandSet Request { get; }

    public byte ContextId { get; }

    public long BytesReceived { get; private set; }

    public static PendingMessage Store(CommandSet request, byte contextId, IStoreInstanceSink sink) =>
        new(request, contextId) { _sink = sink };

    public static PendingMessage Discard(CommandSet request, byte contextId, CommandSet response) =>
        new(request, contextId) { _response = response };

    public async ValueTask WriteAsync(ReadOnlySequence<byte> fragment, CancellationToken cancellationToken)
    {
        BytesReceived += fragment.Length;
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
