using System.Text.Json.Serialization;
using ImagingGateway.Infrastructure.Aws.Common;

namespace ImagingGateway.Infrastructure.Aws.StepFunctions;

// Wire shapes of the SFN 2016-11-23 model (../shared/reference/aws/botocore-stepfunctions-2016-11-23.service-2.json),
// only the members we use.

public sealed record StartExecutionInput
{
    [JsonPropertyName("stateMachineArn")] public required string StateMachineArn { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("input")] public string? Input { get; init; }
}
