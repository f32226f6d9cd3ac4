using System.Text.Json;
using System.Text.Json.Serialization;
using ImagingGateway.Infrastructure.Aws.Common;

namespace ImagingGateway.Infrastructure.Aws.HealthImaging;

/// <summary>One entry of <c>jobSummary.imageSetsSummary</c>; <c>imageSetVersion</c> is read when present, as a number or a string.</summary>
public sealed record ImageSetSummary
{
    [JsonPropertyName("imageSetId")] public string? ImageSetId { get; init; }
    [JsonPropertyName("imageSetVersion")] public JsonElement? ImageSetVersion { get; init; }
    [JsonPropertyName("isPrimary")] public bool? IsPrimary { get; init; }
    [JsonPropertyName("numberOfMatchedSOPInstances")] public int NumberOfMatchedSopInstances { get; init; }
}
