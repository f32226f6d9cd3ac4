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

    /// <summary>The requesters the Gateway may open an association to, to deliver a report.</summary>
    public List<DicomPeerOptions> Peers { get; set; } = [];

    /// <summary>
    /// With FileSystem storage pending commitments live in the data directory's gateway.db. With S3 storage several
    /// Fargate tasks share one load balancer and a task can be replaced at any time, so they must live in the DynamoDB
    /// table <c>Gateway:Aws:CommitmentTable</c>: without it the SOP class is not negotiated (and a warning says why),
    /// so a deployment that predates the table keeps starting.
    /// </summary>
    public bool IsOffered(AdapterOptions adapters, GatewayAwsOptions aws) =>
        Enabled && (adapters.Storage == StorageAdapter.FileSystem || IsShared(adapters, aws));

    /// <summary>Pending commitments are in DynamoDB, where every Gateway task on the same S3 bucket sees them.</summary>
    public static bool IsShared(AdapterOptions adapters, GatewayAwsOptions aws) =>
        adapters.Storage == StorageAdapter.S3 && !string.IsNullOrWhiteSpace(aws.CommitmentTable);
}
