namespace ImagingGateway.Domain.Batches;

/// <summary>
/// How received instances are grouped into import jobs.
/// <see cref="PerAssociation"/> is the default because HealthImaging allows one StartDICOMImportJob per second
/// (burst 2) and 100 concurrent import jobs per data store: a 500-image CT sent as one job per file would take
/// over eight minutes to even start and would hit the concurrency quota, while one job per association starts at once.
/// </summary>
public enum GroupingPolicy
{
    /// <summary>One batch per association, split when it reaches the file or byte limit.</summary>
    PerAssociation = 0,

    /// <summary>One batch, and so one import job, per instance (the seed's literal design).</summary>
    PerInstance = 1,
}
