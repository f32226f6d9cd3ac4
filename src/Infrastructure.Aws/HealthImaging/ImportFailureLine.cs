using System.Text.Json.Serialization;
using ImagingGateway.Infrastructure.Aws.Common;

namespace ImagingGateway.Infrastructure.Aws.HealthImaging;

/// <summary>One line of <c>FAILURE/failure.ndjson</c>.</summary>
public sealed record ImportFailureLine
{
    [JsonPropertyName("inputFile")] public string? InputFile { get; init; }
    [JsonPropertyName("exception")] public ImportFailureException? Exception { get; init; }
}
