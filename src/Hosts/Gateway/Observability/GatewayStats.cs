namespace ImagingGateway.Gateway.Observability;

/// <summary>Running totals of this process (since start), for <c>GET /api/stats</c>. Thread-safe.</summary>
public sealed class GatewayStats
{
    private long _instancesStored;
    private long _bytesStored;
    private long _storeFailures;
    private long _associations;
    private long _activeAssociations;
    private long _pendingConnections;

    public long InstancesStored => Interlocked.Read(ref _instancesStored);

    public long BytesStored => Interlocked.Read(ref _bytesStored);

    public long StoreFailures => Interlocked.Read(ref _storeFailures);

    public long Associations => Interlocked.Read(ref _associations);

    public long ActiveAssociations => Interlocked.Read(ref _activeAssociations);

    /// <summary>Connections whose A-ASSOCIATE-RQ has not been accepted yet (<see cref="Dicom.PendingConnections"/>).</summary>
    public long PendingConnections => Interlocked.Read(ref _pendingConnections);

    public void PendingConnectionOpened() => Interlocked.Increment(ref _pendingConnections);

    public void PendingConnectionClosed() => Interlocked.Decrement(ref _pendingConnections);

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
