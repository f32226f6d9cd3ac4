using System.Text.Json.Serialization;
using ImagingGateway.Infrastructure.Aws.Common;

namespace ImagingGateway.Infrastructure.Aws.StepFunctions;

public sealed record DescribeExecutionInput
{
    [JsonPropertyName("executionArn")] public required string ExecutionArn { get; init; }
}
