using System.Diagnostics.Metrics;

namespace ImagingGateway.Gateway.Observability;

/// <summary>
/// The gateway's instruments (meter <c>ImagingGateway.Gateway</c>), exported at <c>/metrics</c> in Prometheus format:
/// associations, C-STOREs by status, bytes received, store latency, storage commitment outcomes and jobs by status.
/// </summary>
public sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "ImagingGateway.Gateway";

    private readonly Meter _meter;
    private readonly Counter<long> _associations;
    private readonly UpDownCounter<long> _activeAssociations;
    private readonly UpDownCounter<long> _pendingConnections;
    private readonly Counter<long> _evictedConnections;
    private readonly Counter<long> _stores;
    private readonly Counter<long> _bytes;
    private readonly Histogram<double> _storeDuration;
    private readonly Counter<long> _commitmentsRequested;
    private readonly Counter<long> _commitmentInstances;
    private readonly Counter<long> _commitmentsUndelivered;

    public GatewayMetrics(IMeterFactory meterFactory, JobStatusSampler jobs)
    {
        _meter = meterFactory.Create(MeterName);
        _associations = _meter.CreateCounter<long>("gateway.associations", "{association}", "Associations by outcome (accepted, rejected, released, aborted)");
        _activeAssociations = _meter.CreateUpDownCounter<long>("gateway.associations.active", "{association}", "Associations open now");
        _pendingConnections = _meter.CreateUpDownCounter<long>("gateway.connections.pending", "{connection}", "Connections whose A-ASSOCIATE-RQ has not been accepted yet");
        _evictedConnections = _meter.CreateCounter<long>("gateway.connections.evicted", "{connection}", "Pending connections closed to make room for newer ones (Gateway:MaxPendingConnections)");
        _stores = _meter.CreateCounter<long>("gateway.cstore.requests", "{request}", "C-STORE requests by DIMSE status (hex)");
        _bytes = _meter.CreateCounter<long>("gateway.cstore.received", "By", "Data-set bytes of the instances stored durably");
        _storeDuration = _meter.CreateHistogram<double>(
            "gateway.cstore.duration", "s", "From the first data-set fragment to the durable store",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _commitmentsRequested = _meter.CreateCounter<long>("gateway.commitment.requests", "{request}", "Storage commitment requests (N-ACTION) recorded");
        _commitmentInstances = _meter.CreateCounter<long>("gateway.commitment.instances", "{instance}", "Instances by outcome: requested, reported committed, reported failed");
        _commitmentsUndelivered = _meter.CreateCounter<long>("gateway.commitment.undelivered", "{report}", "Report delivery failures by reason (unknown-peer, retry, gave-up)");
        _meter.CreateObservableGauge("gateway.jobs", jobs.Observe, "{job}", "Import jobs by status (sampled)");
    }

    public void AssociationAccepted()
    {
        _associations.Add(1, new KeyValuePair<string, object?>("outcome", "accepted"));
        _activeAssociations.Add(1);
    }

    public void AssociationRejected() => _associations.Add(1, new KeyValuePair<string, object?>("outcome", "rejected"));

    public void AssociationEnded(bool aborted)
    {
        _associations.Add(1, new KeyValuePair<string, object?>("outcome", aborted ? "aborted" : "released"));
        _activeAssociations.Add(-1);
    }

    public void PendingConnectionsChanged(int delta) => _pendingConnections.Add(delta);

    public void PendingConnectionEvicted() => _evictedConnections.Add(1);

    public void StoreCompleted(ushort status, long bytes, TimeSpan elapsed)
    {
        _stores.Add(1, new KeyValuePair<string, object?>("status", status.ToString("X4", System.Globalization.CultureInfo.InvariantCulture)));
        if (status == 0)
        {
            _bytes.Add(bytes);
        }

        _storeDuration.Record(elapsed.TotalSeconds);
    }

    public void CommitmentRequested(int instances)
    {
        _commitmentsRequested.Add(1);
        _commitmentInstances.Add(instances, new KeyValuePair<string, object?>("outcome", "requested"));
    }

    public void CommitmentReported(int committed, int failed)
    {
        _commitmentInstances.Add(committed, new KeyValuePair<string, object?>("outcome", "committed"));
        _commitmentInstances.Add(failed, new KeyValuePair<string, object?>("outcome", "failed"));
    }

    public void CommitmentUndeliverable(string reason) => _commitmentsUndelivered.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Dispose() => _meter.Dispose();
}
