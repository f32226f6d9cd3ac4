using ImagingGateway.Domain.Common;

namespace ImagingGateway.Domain.Batches;

/// <summary>
/// The most one batch may hold. The defaults are HealthImaging's limits for one import job:
/// 5,000 files and 10 GB (https://docs.aws.amazon.com/healthimaging/latest/devguide/endpoints-quotas.html).
/// </summary>
public sealed record BatchLimits
{
    public const int DefaultMaxFiles = 5_000;
    public const long DefaultMaxBytes = 10_000_000_000;

    public BatchLimits(int maxFiles = DefaultMaxFiles, long maxBytes = DefaultMaxBytes)
    {
        if (maxFiles < 1)
        {
            throw new DomainException("maxFiles must be at least 1", nameof(maxFiles));
        }

        if (maxBytes < 1)
        {
            throw new DomainException("maxBytes must be at least 1", nameof(maxBytes));
        }

        MaxFiles = maxFiles;
        MaxBytes = maxBytes;
    }

    public static BatchLimits Default { get; } = new();

    public int MaxFiles { get; }

    public long MaxBytes { get; }
}
