using System.Text.Json.Serialization;
using ImagingGateway.Infrastructure.Aws.Common;

namespace ImagingGateway.Infrastructure.Aws.HealthImaging;

public sealed record ListDicomImportJobsResponse
{
    [JsonPropertyName("jobSummaries")] public required IReadOnlyList<DicomImportJobSummary> JobSummaries { get; init; }
    [JsonPropertyName("nextToken")] public string? NextToken { get; init; }
}
