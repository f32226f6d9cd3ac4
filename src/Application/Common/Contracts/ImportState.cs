using System.Text.Json.Serialization;

namespace ImagingGateway.Application.Common.Contracts;

/// <summary>
/// The state passed between the import workflow's states (docs/contracts.md): the execution input written by
/// TriggerImport, enriched by StartImportJob (jobId, jobStatus) and CheckStatus (jobStatus, isComplete, message).
/// The same JSON is used by Step Functions and by the in-process workflow.
/// </summary>
public sealed record ImportState
{
    [JsonPropertyName("batchId")] public required string BatchId { get; init; }
    [JsonPropertyName("inputS3Uri")] public required string InputS3Uri { get; init; }
    [JsonPropertyName("outputS3Uri")] public required string OutputS3Uri { get; init; }
    [JsonPropertyName("studyInstanceUID")] public string? StudyInstanceUid { get; init; }
    [JsonPropertyName("seriesInstanceUID")] public string? SeriesInstanceUid { get; init; }
    [JsonPropertyName("sopInstanceUID")] public string? SopInstanceUid { get; init; }
    [JsonPropertyName("studyDate")] public string? StudyDate { get; init; }
    [JsonPropertyName("instanceCount")] public int InstanceCount { get; init; }
    [JsonPropertyName("totalBytes")] public long TotalBytes { get; init; }
    [JsonPropertyName("retryOf")] public string? RetryOf { get; init; }
    [JsonPropertyName("jobId")] public string? JobId { get; init; }
    [JsonPropertyName("jobStatus")] public string? JobStatus { get; init; }
    [JsonPropertyName("isComplete")] public bool IsComplete { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
    [JsonPropertyName("error")] public WorkflowError? Error { get; init; }
}

/// <summary>What a Step Functions Catch puts at <c>$.error</c>.</summary>
public sealed record WorkflowError(
    [property: JsonPropertyName("Error")] string? Error,
    [property: JsonPropertyName("Cause")] string? Cause);
