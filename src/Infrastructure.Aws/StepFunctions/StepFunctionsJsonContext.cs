using System.Text.Json.Serialization;
using ImagingGateway.Application.Common.Contracts;

namespace ImagingGateway.Infrastructure.Aws.StepFunctions;

/// <summary>Source-generated serialization of the Step Functions wire shapes and the execution input.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StartExecutionInput))]
[JsonSerializable(typeof(StartExecutionOutput))]
[JsonSerializable(typeof(DescribeExecutionInput))]
[JsonSerializable(typeof(DescribeExecutionOutput))]
public sealed partial class StepFunctionsJsonContext : JsonSerializerContext;
