using System.Text.Json.Serialization;

namespace ImagingGateway.Application.Imports;

/// <summary>One page of jobs; pass <see cref="ContinuationToken"/> back for the next page (null on the last).</summary>
public sealed record ImportJobList(
    [property: JsonPropertyName("items")] IReadOnlyList<ImportJobDto> Items,
    [property: JsonPropertyName("continuationToken")] string? ContinuationToken);
