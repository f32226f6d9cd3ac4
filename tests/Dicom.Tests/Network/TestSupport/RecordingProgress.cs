using System.Collections.Concurrent;
using ImagingGateway.Dicom.Network.Client;

namespace ImagingGateway.Dicom.Tests.Network.TestSupport;

/// <summary>Store results in the order they were reported, recorded synchronously (Progress&lt;T&gt; would post them).</summary>
public sealed class RecordingProgress : IProgress<StoreResult>
{
    public ConcurrentQueue<StoreResult> InOrder { get; } = new();

    public void Report(StoreResult value) => InOrder.Enqueue(value);
}
