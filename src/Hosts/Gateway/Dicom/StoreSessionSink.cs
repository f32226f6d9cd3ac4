using System.Buffers;
using System.Diagnostics;
using ImagingGateway.Application.Instances.StoreInstance;
using ImagingGateway.Dicom.Network.Dimse.Store;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>
/// The SCP's store sink over a StoreInstance session: each fragment is written into the session as received, and the
/// session's result is the answer. Without a session (the command was refused), the fragments are ignored and the
/// refusal is the answer.
/// </summary>
internal sealed class StoreSessionSink(StoreInstanceSession? session, StoreInstanceResult? refusal, StoreBridge bridge, StoreRequestContext context) : IStoreInstanceSink
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _bytes;

    public ValueTask WriteAsync(ReadOnlySequence<byte> dataSetFragment, CancellationToken cancellationToken)
    {
        _bytes += dataSetFragment.Length;
        return session?.WriteAsync(dataSetFragment, cancellationToken) ?? ValueTask.CompletedTask;
    }

    public async ValueTask<StoreOutcome> CompleteAsync(CancellationToken cancellationToken)
    {
        StoreInstanceResult result;
        try
        {
            result = session is null ? refusal! : await session.CompleteAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            bridge.Failed(context, _bytes, _started);
            throw;
        }

        return bridge.Completed(context, result, _bytes, _started);
    }

    public ValueTask AbortAsync(CancellationToken cancellationToken) => session?.AbortAsync() ?? ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => session?.DisposeAsync() ?? ValueTask.CompletedTask;
}
