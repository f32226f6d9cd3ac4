using System.Text.Json;
using System.Text.Json.Serialization;
using ImagingGateway.Infrastructure.Aws.Common;

namespace ImagingGateway.Infrastructure.Aws.HealthImaging;

/// <summary>
/// <c>importResponse</c> of a <c>success.ndjson</c> line: the image set, and <c>isPrimary</c> (false when the instance
/// conflicted with a primary image set). <c>imageSetVersion</c> is read when present, as a number or a string.
/// </summary>
public sealed record ImportSuccessResponse
{
    [JsonPropertyName("imageSetId")] public string? ImageSetId { get; init; }
    [JsonPropertyName("imageSetVersion")] public JsonElement? ImageSetVersion { get; init; }
    [JsonPropertyName("isPrimary")] public bool? IsPrimary { get; init; }
    [JsonPropertyName("studyInstanceUID")] public string? StudyInstanceUid { get; init; }
    [JsonPropertyName("seriesInstanceUID")] public string? SeriesInstanceUid { get; init; }
    [JsonPropertyName("sopInstanceUID")] public string? SopInstanceUid { get; init; }
}
