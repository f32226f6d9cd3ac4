using System.Text.Json.Serialization;
using ImagingGateway.Infrastructure.Aws.Common;

namespace ImagingGateway.Infrastructure.Aws.HealthImaging;

public sealed record DicomImportJobProperties
{
    [JsonPropertyName("jobId")] public required string JobId { get; init; }
    [JsonPropertyName("jobName")] public string? JobName { get; init; }
    [JsonPropertyName("jobStatus")] public required string JobStatus { get; init; }
    [JsonPropertyName("datastoreId")] public required string DatastoreId { get; init; }
    [JsonPropertyName("dataAccessRoleArn")] public string? DataAccessRoleArn { get; init; }
    [JsonPropertyName("endedAt"), JsonConverter(typeof(NullableEpochSecondsConverter))] public DateTimeOffset? EndedAt { get; init; }
    [JsonPropertyName("submittedAt"), JsonConverter(typeof(NullableEpochSecondsConverter))] public DateTimeOffset? SubmittedAt { get; init; }
    [JsonPropertyName("inputS3Uri")] public string? InputS3Uri { get; init; }
    [JsonPropertyName("outputS3Uri")] public string? OutputS3Uri { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
}
