using ImagingGateway.Application.Common.Options;

namespace ImagingGateway.Gateway.Configuration;

/// <summary>
/// Configuration section <c>Gateway:StorageCommitment</c>: the Storage Commitment Push Model SCP (PS3.4 Annex J). The
/// report goes back on the request's association while it is open, else on a new association to the requester,
/// whose address is looked up by its calling AE title in <see cref="Peers"/>.
/// </summary>
public sealed class StorageCommitmentSettings
{
    /// <summary>Offer the service. In AWS mode (S3 storage) it is offered only with a shared table: see <see cref="IsOffered"/>.</summary>
    public bool Enabled { get; set; } = true;

    public StorageCommitmentPolicy Policy { get; set; } = StorageCommitmentPolicy.Durable;

    /// <summary>How long after the N-ACTION the report is held back (0: at once).</summary>
    public TimeSpan ReportDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Wait before the first retry of a report that could not be delivered; doubled per attempt.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Delivery attempts before a report is given up.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>With the Imported policy: how often a request whose imports are still running is decided again.</summary>
    public TimeSpan DecisionInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>With the Imported policy: an instance without an import outcome this long after the request is reported failed (0x0110).</summary>
    public TimeSpan MaxImportWait { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often reports that are due are looked for, besides right after each request.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// With several Gateway tasks: how long a due request is left to the task that answered its N-ACTION (and may hold the
    /// requester's association) before another task takes it over. Unset: 0 with FileSystem storage (one process),
    /// 5 minutes with S3 (<see cref="TakeoverDelayFor"/>).
    /// </summary>
    public TimeSpan? TakeoverDelay { get; set; }

    /// <summary>
    /// With several Gateway tasks: how long an instance that no task has indexed stays undecided before it is reported
    /// failed with 0x0112, since another task may still hold it in an open batch. Unset: 0 with FileSystem storage,
    /// Batching:QuietPeriod plus 1 minute with S3 (<see cref="UnknownInstanceWaitFor"/>).
    /// </summary>
    public TimeSpan? UnknownInstanceWait { get; set; }

    /// <summary>The requesters the Gateway may open an association to, to deliver a report.</summary>
    public List<DicomPeerOptions> Peers { get; set; } = [];

    /// <summary>
    /// With FileSystem storage pending commitments live in the data directory's gateway.db. With S3 storage several
    /// Fargate tasks share one load balancer and a task can be replaced at any time, so they must live in the DynamoDB
    /// table <c>Gateway:Aws:CommitmentTable</c>: without it the SOP class is not negotiated (and a warning says why),
    /// so a deployment that predates the table keeps starting.
    /// </summary>
    public bool IsOffered(AdapterOptions adapters, GatewayAwsOptions aws) =>
        Enabled && (adapters.Storage == StorageAdapter.FileSystem || !string.IsNullOrWhiteSpace(aws.CommitmentTable));

    /// <summary>
    /// Several Gateway tasks share the pending requests exactly when they share the instances: with S3 storage, where
    /// the tasks behind one load balancer each receive some associations; with FileSystem storage one process does all.
    /// </summary>
    public static bool IsShared(AdapterOptions adapters) => adapters.Storage == StorageAdapter.S3;

    /// <summary>
    /// Five minutes when shared: a live task's reporter gets to a due request within a poll, unless one delivery attempt
    /// to another requester holds it up (at most 4 minutes, CommitmentReporter.AttemptTimeout), so only a task that
    /// stopped leaves a request overdue that long; 0 in one process, so a restart reports at once.
    /// </summary>
    public TimeSpan TakeoverDelayFor(AdapterOptions adapters) =>
        TakeoverDelay ?? (IsShared(adapters) ? TimeSpan.FromMinutes(5) : TimeSpan.Zero);

    /// <summary>
    /// When shared: the quiet period after which a coalescing batch closes (and is indexed), plus a minute for the quiet
    /// batch sweep, the manifest and the index writes. A batch still open because its association is open, or because
    /// its task died (recovered after Batching:RecoveryQuietPeriod), is not covered: raise the wait for such senders.
    /// </summary>
    public TimeSpan UnknownInstanceWaitFor(AdapterOptions adapters, BatchingOptions batching) =>
        UnknownInstanceWait ?? (IsShared(adapters) ? batching.QuietPeriod + TimeSpan.FromMinutes(1) : TimeSpan.Zero);
}
