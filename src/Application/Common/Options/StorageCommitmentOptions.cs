namespace ImagingGateway.Application.Common.Options;

/// <summary>How storage commitment requests are decided and their reports retried (Gateway:StorageCommitment).</summary>
public sealed class StorageCommitmentOptions
{
    /// <summary>When an instance counts as committed.</summary>
    public StorageCommitmentPolicy Policy { get; set; } = StorageCommitmentPolicy.Durable;

    /// <summary>How long after the N-ACTION the report is held back (0: at once), e.g. for a sender that is not ready for it yet.</summary>
    public TimeSpan ReportDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Wait before the first retry of an undelivered report; doubled per attempt, up to 32 times this.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Delivery attempts before a report is given up (state Undeliverable).</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>With <see cref="StorageCommitmentPolicy.Imported"/>: how often an undecided request (its imports still running) is looked at again.</summary>
    public TimeSpan DecisionInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>With <see cref="StorageCommitmentPolicy.Imported"/>: an instance whose import has no outcome this long after the request is reported failed (0x0110).</summary>
    public TimeSpan MaxImportWait { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a claimed request is left to the reporter that claimed it (ClaimCommitment): longer than one delivery
    /// attempt, so no other reporter sharing the repository works it meanwhile, and short enough that a request whose
    /// reporter died comes back soon. 0 where one reporter is the only one (one process), so a restart finds nothing to wait out.
    /// </summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A request whose N-ACTION another reporter answered (which may still hold the requester's association, PS3.4
    /// J.3.3) is listed for this one only this long after it became due, so that its own reporter, while alive, reports
    /// on that association; 0 where one reporter is the only one.
    /// </summary>
    public TimeSpan TakeoverDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// An instance found neither in the received-instance index nor in this process's open batches is left undecided
    /// this long after the request, for it may be in another Gateway task's batch that is not closed (and so not
    /// indexed) yet; then it is reported failed with 0x0112. 0 where one process receives every instance.
    /// </summary>
    public TimeSpan UnknownInstanceWait { get; set; } = TimeSpan.Zero;

    /// <summary>The most instances one request may reference (PS3.4 sets no limit; 5,000 is HealthImaging's batch).</summary>
    public int MaxReferences { get; set; } = 10_000;
}
