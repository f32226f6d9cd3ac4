using ImagingGateway.Domain.Batches;

namespace ImagingGateway.Application.Common.Options;

/// <summary>Configuration section <c>Gateway:Batching</c>.</summary>
public sealed class BatchingOptions
{
    public GroupingPolicy Policy { get; set; } = GroupingPolicy.PerAssociation;

    public int MaxFiles { get; set; } = BatchLimits.DefaultMaxFiles;

    public long MaxBytes { get; set; } = BatchLimits.DefaultMaxBytes;

    /// <summary>
    /// Under <see cref="GroupingPolicy.PerCallingAeAndStudy"/>, a batch no store joined for this long is closed: the
    /// sender has most likely sent the whole study. Longer coalesces slower senders; shorter starts imports sooner.
    /// </summary>
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Recovery leaves alone a batch whose newest object is younger than this: with several gateways sharing one
    /// bucket, a young batch without a manifest may still be open in another process. Longer than
    /// <see cref="QuietPeriod"/>, or another gateway could close a batch that is still coalescing.
    /// </summary>
    public TimeSpan RecoveryQuietPeriod { get; set; } = TimeSpan.FromMinutes(5);

    public BatchLimits Limits => new(MaxFiles, MaxBytes);
}
