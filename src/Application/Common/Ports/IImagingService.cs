using ImagingGateway.Domain.Imports;

namespace ImagingGateway.Application.Common.Ports;

/// <summary>
/// The image store that imports DICOM (AWS HealthImaging, or the local stand-in that follows its semantics).
/// Start is idempotent by <see cref="StartImportRequest.ClientToken"/>: the same token returns the same job.
/// Throttling is the adapter's to retry; <see cref="ImagingQuotaExceededException"/> means "try again later".
/// </summary>
public interface IImagingService
{
    Task<StartedImportJob> StartImportJobAsync(StartImportRequest request, CancellationToken cancellationToken);

    Task<ImportJobState> GetImportJobAsync(string datastoreId, string jobId, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the job's output (job-output-manifest.json, SUCCESS/success.ndjson, FAILURE/failure.ndjson). Throws
    /// <see cref="InvalidDataException"/> (or <see cref="FileNotFoundException"/>) when the output is missing or unreadable;
    /// CheckImportStatus then keeps a FAILED job's own reason, and retries a COMPLETED one.
    /// </summary>
    Task<ImportJobResults> ReadJobResultsAsync(string datastoreId, string jobId, string outputS3Uri, CancellationToken cancellationToken);
}

public sealed record StartImportRequest(
    string DatastoreId,
    string DataAccessRoleArn,
    string InputS3Uri,
    string OutputS3Uri,
    string ClientToken,
    string? JobName);

public sealed record StartedImportJob(string JobId, string DatastoreId, ImportJobStatus Status, DateTimeOffset SubmittedAt);

public sealed record ImportJobState(
    string JobId,
    string DatastoreId,
    ImportJobStatus Status,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? EndedAt,
    string? Message);

/// <summary>What an import produced: the summary counts and one line per failed file.</summary>
public sealed record ImportJobResults(
    int TotalFiles,
    int SucceededFiles,
    int FailedFiles,
    IReadOnlyList<ImportedImageSet> ImageSets,
    IReadOnlyList<ImportFailure> Failures);

/// <summary>An image set the job created or added to, with the version it made when the service names it.</summary>
public sealed record ImportedImageSet(
    string ImageSetId,
    string? StudyInstanceUid,
    string? SeriesInstanceUid,
    IReadOnlyList<string> SopInstanceUids,
    string? ImageSetVersion = null);

public sealed record ImportFailure(string InputFile, string Reason);

/// <summary>The service said a quota (e.g. 100 concurrent import jobs) is reached: retry later, don't fail the batch.</summary>
public sealed class ImagingQuotaExceededException(string message) : Exception(message);

/// <summary>The service refused the request because of the state of a resource (ConflictException).</summary>
public sealed class ImagingConflictException(string message) : Exception(message);
