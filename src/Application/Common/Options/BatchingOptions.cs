using ImagingGateway.Domain.Batches;

namespace ImagingGateway.Application.Common.Options;

/// <summary>Configuration section <c>Gateway:Batching</c>.</summary>
public sealed class BatchingOptions
{
    public GroupingPolicy Policy { get; set; } = GroupingPolicy.PerAssociation;

    public int MaxFiles { get; set; } = BatchLimits.DefaultMaxFiles;

    public long MaxBytes { get; set; } = BatchLimits.DefaultMaxBytes;

    /// <summary>How many days back (besides today) start-up recovery looks for batches left open by a crash.</summary>
    public int RecoveryLookbackDays { get; set; } = 2;

    /// <summary>
    /// Recovery leaves alone a batch whose newest object is younger than this: with several gateways sharing one
    /// bucket, a young batch without a manifest may still be open in another process.
    /// </summary>
    public TimeSpan RecoveryQuietPeriod { get; set; } = TimeSpan.FromMinutes(5);

    public BatchLimits Limits => new(MaxFiles, MaxBytes);
}
