using System.Text.Json.Serialization;
using ImagingGateway.Infrastructure.Aws.Common;

namespace ImagingGateway.Infrastructure.Aws.HealthImaging;

public sealed record ImportFailureException
{
    [JsonPropertyName("exceptionType")] public string? ExceptionType { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
}
