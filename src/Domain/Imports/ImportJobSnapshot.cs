namespace ImagingGateway.Domain.Imports;

/// <summary>
/// Every attribute of an import job as stored: DicomImportJobTable's (jobId, jobStatus, submittedAt, inputS3Uri,
/// outputS3Uri, datastoreId, dataAccessRoleArn, studyDate, studyInstanceUID, seriesInstanceUID, sopInstanceUID,
/// endedAt, message), the batch's (batchId, instanceCount, totalBytes) and the re-drive links: <see cref="RetryOf"/>, the
/// job this one re-imports, and <see cref="RetriedBy"/>, the latest job that re-imports this one; and
/// <see cref="Commitments"/>, the storage commitment transactions that covered its instances (null when none).
/// </summary>
public sealed record ImportJobSnapshot(
    string JobId,
    ImportJobStatus Status,
    DateTimeOffset SubmittedAt,
    string InputS3Uri,
    string OutputS3Uri,
    string DatastoreId,
    string DataAccessRoleArn,
    string? StudyDate,
    string? StudyInstanceUid,
    string? SeriesInstanceUid,
    string? SopInstanceUid,
    DateTimeOffset? EndedAt,
    string? Message,
    string? BatchId,
    int InstanceCount,
    long TotalBytes,
    string? RetryOf = null,
    string? RetriedBy = null,
    IReadOnlyList<ImportJobCommitment>? Commitments = null);
