using System.Text.Json.Serialization;
using ImagingGateway.Infrastructure.Aws.Common;

namespace ImagingGateway.Infrastructure.Aws.HealthImaging;

public sealed record StartDicomImportJobResponse
{
    [JsonPropertyName("datastoreId")] public required string DatastoreId { get; init; }
    [JsonPropertyName("jobId")] public required string JobId { get; init; }
    [JsonPropertyName("jobStatus")] public required string JobStatus { get; init; }
    [JsonPropertyName("submittedAt"), JsonConverter(typeof(EpochSecondsConverter))] public DateTimeOffset SubmittedAt { get; init; }
}
