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

    public BatchLimits Limits => new(MaxFiles, MaxBytes);
}
