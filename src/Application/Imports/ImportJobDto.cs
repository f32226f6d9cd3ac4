using System.Text.Json.Serialization;
using ImagingGateway.Domain.Imports;

namespace ImagingGateway.Application.Imports;

/// <summary>
/// An import job as the JSON API and the CLI show it; the JSON names are DicomImportJobTable's attribute names, and
/// <see cref="Commitments"/> lists the storage commitment transactions that covered its instances (empty when none).
/// </summary>
public sealed record ImportJobDto
{
    [JsonPropertyName("jobId")] public required string JobId { get; init; }
    [JsonPropertyName("jobStatus")] public required string JobStatus { get; init; }
    [JsonPropertyName("submittedAt")] public DateTimeOffset SubmittedAt { get; init; }
    [JsonPropertyName("inputS3Uri")] public required string InputS3Uri { get; init; }
    [JsonPropertyName("outputS3Uri")] public required string OutputS3Uri { get; init; }
    [JsonPropertyName("datastoreId")] public required string DatastoreId { get; init; }
    [JsonPropertyName("dataAccessRoleArn")] public required string DataAccessRoleArn { get; init; }
    [JsonPropertyName("studyDate")] public string? StudyDate { get; init; }
    [JsonPropertyName("studyInstanceUID")] public string? StudyInstanceUid { get; init; }
    [JsonPropertyName("seriesInstanceUID")] public string? SeriesInstanceUid { get; init; }
    [JsonPropertyName("sopInstanceUID")] public string? SopInstanceUid { get; init; }
    [JsonPropertyName("endedAt")] public DateTimeOffset? EndedAt { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
    [JsonPropertyName("batchId")] public string? BatchId { get; init; }
    [JsonPropertyName("instanceCount")] public int InstanceCount { get; init; }
    [JsonPropertyName("totalBytes")] public long TotalBytes { get; init; }
    [JsonPropertyName("retryOf")] public string? RetryOf { get; init; }
    [JsonPropertyName("retriedBy")] public string? RetriedBy { get; init; }
    [JsonPropertyName("commitments")] public IReadOnlyList<ImportJobCommitmentDto> Commitments { get; init; } = [];

    public static ImportJobDto From(ImportJob job)
    {
        var s = job.Snapshot;
        return new ImportJobDto
        {
            JobId = s.JobId,
            JobStatus = s.Status.ToWire(),
            SubmittedAt = s.SubmittedAt,
            InputS3Uri = s.InputS3Uri,
            OutputS3Uri = s.OutputS3Uri,
            DatastoreId = s.DatastoreId,
            DataAccessRoleArn = s.DataAccessRoleArn,
            StudyDate = s.StudyDate,
            StudyInstanceUid = s.StudyInstanceUid,
            SeriesInstanceUid = s.SeriesInstanceUid,
            SopInstanceUid = s.SopInstanceUid,
            EndedAt = s.EndedAt,
            Message = s.Message,
            BatchId = s.BatchId,
            InstanceCount = s.InstanceCount,
            TotalBytes = s.TotalBytes,
            RetryOf = s.RetryOf,
            RetriedBy = s.RetriedBy,
            Commitments = [.. job.Commitments.Select(ImportJobCommitmentDto.From)],
        };
    }
}
