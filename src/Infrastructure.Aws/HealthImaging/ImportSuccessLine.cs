using System.Text.Json.Serialization;
using ImagingGateway.Infrastructure.Aws.Common;

namespace ImagingGateway.Infrastructure.Aws.HealthImaging;

/// <summary>One line of <c>SUCCESS/success.ndjson</c>.</summary>
public sealed record ImportSuccessLine
{
    [JsonPropertyName("inputFile")] public string? InputFile { get; init; }
    [JsonPropertyName("importResponse")] public ImportSuccessResponse? ImportResponse { get; init; }

    // The local stand-in (Infrastructure.Local) writes the instance's UIDs beside importResponse.
    [JsonPropertyName("studyInstanceUID")] public string? StudyInstanceUid { get; init; }
    [JsonPropertyName("seriesInstanceUID")] public string? SeriesInstanceUid { get; init; }
    [JsonPropertyName("sopInstanceUID")] public string? SopInstanceUid { get; init; }
}
