using ImagingGateway.Domain.Batches;

namespace ImagingGateway.Application.Common.Options;

/// <summary>Configuration section <c>Gateway:Batching</c>.</summary>
public sealed class BatchingOptions
{
    public GroupingPolicy Policy { get; set; } = GroupingPolicy.PerAssociation;

    public int MaxFiles { get; set; } = BatchLimits.DefaultMaxFiles;

    public long MaxBytes { get; set; } = BatchLimits.DefaultMaxBytes;

    public BatchLimits Limits => new(MaxFiles, MaxBytes);
}
