using System.Buffers;

namespace ImagingGateway.Dicom.Network.Dimse.Store;

/// <summary>
/// Where the data set of one C-STORE goes. The SCP calls <see cref="WriteAsync"/> with each PDV fragment in order
/// (slices of the receive buffer, valid only during the call), then exactly one of <see cref="CompleteAsync"/> or
/// <see cref="AbortAsync"/>, then DisposeAsync.
/// </summary>
public interface IStoreInstanceSink : IAsyncDisposable
{
    ValueTask WriteAsync(ReadOnlySequence<byte> dataSetFragment, CancellationToken cancellationToken);

    /// <summary>
    /// After the last fragment. The status goes into the C-STORE-RSP: 0000 only once the instance is durably stored,
    /// A700 when storing failed, A900/C000 or a warning as the sink judges, with the reason as its Error Comment.
    /// </summary>
    ValueTask<StoreOutcome> CompleteAsync(CancellationToken cancellationToken);

    /// <summary>The instance will not complete (association aborted, transport lost, or a write failed): discard it.</summary>
    ValueTask AbortAsync(CancellationToken cancellationToken);
}
