namespace ImagingGateway.Gateway.Observability;

/// <summary>Running totals of this process (since start), for <c>GET /api/stats</c>. Thread-safe.</summary>
public sealed class GatewayStats
{
    private long _instancesStored;
    private long _bytesStored;
    private long _storeFailures;
    private long _associations;
    private long _activeAssociations;

    public long InstancesStored => Interlocked.Read(ref _instancesStored);

    public long BytesStored => Interlocked.Read(ref _bytesStored);

    public long StoreFailures => Interlocked.Read(ref _storeFailures);

    public long Associations => Interlocked.Read(ref _associations);

    public long ActiveAssociations => Interlocked.Read(ref _activeAssociations);

    public void InstanceStored(long bytes)
    {
        Interlocked.Add(ref _bytesStored, bytes);
        Interlocked.Increment(ref _instancesStored);
    }

    public void StoreFailed() => Interlocked.Increment(ref _storeFailures);

    public void AssociationOpened()
    {
        Interlocked.Increment(ref _associations);
        Interlocked.Increment(ref _activeAssociations);
    }

    public void AssociationClosed() => Interlocked.Decrement(ref _activeAssociations);
}
