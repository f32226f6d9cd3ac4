using System.Text.Json.Serialization;
using ImagingGateway.Infrastructure.Aws.Common;

namespace ImagingGateway.Infrastructure.Aws.StepFunctions;

public sealed record DescribeExecutionOutput
{
    [JsonPropertyName("executionArn")] public required string ExecutionArn { get; init; }
    [JsonPropertyName("stateMachineArn")] public required string StateMachineArn { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("startDate"), JsonConverter(typeof(EpochSecondsConverter))] public DateTimeOffset StartDate { get; init; }
    [JsonPropertyName("stopDate"), JsonConverter(typeof(NullableEpochSecondsConverter))] public DateTimeOffset? StopDate { get; init; }
    [JsonPropertyName("input")] public string? Input { get; init; }
    [JsonPropertyName("output")] public string? Output { get; init; }
    [JsonPropertyName("error")] public string? Error { get; init; }
    [JsonPropertyName("cause")] public string? Cause { get; init; }
}
