using System.Text.Json.Serialization;
using ImagingGateway.Infrastructure.Aws.Common;

namespace ImagingGateway.Infrastructure.Aws.HealthImaging;

/// <summary>One line of <c>SUCCESS/success.ndjson</c>.</summary>
public sealed record ImportSuccessLine
{
    [JsonPropertyName("inputFile")] public string? InputFile { get; init; }
    [JsonPropertyName("importResponse")] public ImportSuccessResponse? ImportResponse { get; init; }
}
