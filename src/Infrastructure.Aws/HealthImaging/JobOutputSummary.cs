using System.Text.Json.Serialization;
using ImagingGateway.Infrastructure.Aws.Common;

namespace ImagingGateway.Infrastructure.Aws.HealthImaging;

public sealed record JobOutputSummary
{
    [JsonPropertyName("jobId")] public string? JobId { get; init; }
    [JsonPropertyName("datastoreId")] public string? DatastoreId { get; init; }
    [JsonPropertyName("numberOfScannedFiles")] public int NumberOfScannedFiles { get; init; }
    [JsonPropertyName("numberOfImportedFiles")] public int NumberOfImportedFiles { get; init; }
    [JsonPropertyName("numberOfFilesWithCustomerError")] public int NumberOfFilesWithCustomerError { get; init; }
    [JsonPropertyName("numberOfFilesWithServerError")] public int NumberOfFilesWithServerError { get; init; }
    [JsonPropertyName("numberOfGeneratedImageSets")] public int NumberOfGeneratedImageSets { get; init; }
    [JsonPropertyName("imageSetsSummary")] public IReadOnlyList<ImageSetSummary>? ImageSetsSummary { get; init; }
}
