namespace ImagingGateway.Infrastructure.Local.Imaging;

/// <summary>
/// Settings of <see cref="LocalImagingService"/>. The pacing knobs let it behave like HealthImaging's quotas
/// (StartDICOMImportJob 1 TPS burst 2, 100 concurrent jobs per data store); the defaults are looser so a local
/// per-instance run is not slowed to one job a second.
/// </summary>
public sealed class LocalImagingOptions
{
    /// <summary>Where the image sets (DICOM JSON metadata per version) and the service's own job database live.</summary>
    public string Directory { get; set; } = "./data/imaging";

    /// <summary>
    /// The instance store's root folder. An input file below it is reported by its key (as HealthImaging reports the
    /// S3 key of each input file); any other file by its absolute path.
    /// </summary>
    public string? InputRoot { get; set; }

    /// <summary>StartDICOMImportJob calls per second (0: unlimited). A caller over the rate waits, as the AWS adapter retries.</summary>
    public double StartImportJobTps { get; set; } = 20;

    /// <summary>Calls allowed at once before the rate applies.</summary>
    public int StartImportJobBurst { get; set; } = 40;

    /// <summary>Jobs SUBMITTED or IN_PROGRESS per data store; one more start throws ImagingQuotaExceededException.</summary>
    public int MaxConcurrentJobs { get; set; } = 100;

    /// <summary>Jobs processed at once by the background worker.</summary>
    public int MaxParallelJobs { get; set; } = 2;

    /// <summary>HealthImaging's limit of files per import job; a larger input fails the job.</summary>
    public int MaxFilesPerJob { get; set; } = 5_000;

    /// <summary>Extra time a job stays IN_PROGRESS (to exercise polling); zero by default.</summary>
    public TimeSpan ProcessingDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// A deflated data set (PS3.5 A.5) that inflates to more than this is a failed file of its job, with the reason;
    /// it is inflated a block at a time, so the memory it takes does not depend on this.
    /// </summary>
    public long MaxInflatedDataSetBytes { get; set; } = 4L << 30;

    /// <summary>
    /// Test hook for re-drive: the first this many jobs the process runs end FAILED with
    /// <see cref="LocalImagingService.InjectedFailure"/>, as a job HealthImaging fails for a transient fault of its own,
    /// without reading their input. Zero (the default) injects nothing.
    /// </summary>
    public int FailFirstJobs { get; set; }

    /// <summary>fsync the metadata and output files it writes.</summary>
    public bool Durable { get; set; } = true;
}
