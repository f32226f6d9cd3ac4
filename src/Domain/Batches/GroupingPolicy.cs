namespace ImagingGateway.Domain.Batches;

/// <summary>
/// How received instances are grouped into import jobs. HealthImaging allows one StartDICOMImportJob per second
/// (burst 2) and 100 concurrent import jobs per data store, so a policy that makes one job per file cannot keep up
/// with a study of hundreds of images.
/// </summary>
public enum GroupingPolicy
{
    /// <summary>
    /// One batch per association, split when it reaches the file or byte limit; closed when the association ends.
    /// The default: the import starts as soon as the sender releases, and a study sent on one association is one job.
    /// </summary>
    PerAssociation = 0,

    /// <summary>One batch, and so one import job, per instance (the seed's literal design).</summary>
    PerInstance = 1,

    /// <summary>
    /// One batch per calling AE title, called AE title and Study Instance UID, shared by every association that sends
    /// them, closed when no instance joined it for a quiet period, at a file or byte limit, or when the gateway stops:
    /// for senders that open one association per image, whose study would otherwise become one job per image.
    /// </summary>
    PerCallingAeAndStudy = 2,
}
