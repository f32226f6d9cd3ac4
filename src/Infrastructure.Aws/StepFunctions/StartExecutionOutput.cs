using System.Text.Json.Serialization;
using ImagingGateway.Infrastructure.Aws.Common;

namespace ImagingGateway.Infrastructure.Aws.StepFunctions;

public sealed record StartExecutionOutput
{
    [JsonPropertyName("executionArn")] public required string ExecutionArn { get; init; }
    [JsonPropertyName("startDate"), JsonConverter(typeof(EpochSecondsConverter))] public DateTimeOffset StartDate { get; init; }
}
