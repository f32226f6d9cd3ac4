using System.Text.Json.Serialization;
using ImagingGateway.Infrastructure.Aws.Common;

namespace ImagingGateway.Infrastructure.Aws.HealthImaging;

public sealed record ImageSetSummary
{
    [JsonPropertyName("imageSetId")] public string? ImageSetId { get; init; }
    [JsonPropertyName("numberOfMatchedSOPInstances")] public int NumberOfMatchedSopInstances { get; init; }
}
