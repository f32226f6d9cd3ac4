using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ImagingGateway.Infrastructure.Aws.Common;

namespace ImagingGateway.Infrastructure.Aws.StepFunctions;

/// <summary>
/// A thin awsJson1_0 client for Step Functions (signing name <c>states</c>, endpoint <c>https://states.{region}.amazonaws.com</c>):
/// POST / with <c>X-Amz-Target: AWSStepFunctions.{Operation}</c> and <c>Content-Type: application/x-amz-json-1.0</c>.
/// </summary>
public sealed class StepFunctionsClient(AwsJsonCaller caller)
{
    public const string SigningName = "states";
    private const string TargetPrefix = "AWSStepFunctions.";
    private static readonly MediaTypeHeaderValue AmzJson = new("application/x-amz-json-1.0");

    public static Uri DefaultEndpoint(string region) => new($"https://states.{region}.amazonaws.com/");

    public Task<StartExecutionOutput> StartExecutionAsync(StartExecutionInput input, CancellationToken cancellationToken) =>
        SendAsync("StartExecution", input, StepFunctionsJsonContext.Default.StartExecutionInput, StepFunctionsJsonContext.Default.StartExecutionOutput, cancellationToken);

    public Task<DescribeExecutionOutput> DescribeExecutionAsync(string executionArn, CancellationToken cancellationToken) =>
        SendAsync(
            "DescribeExecution",
            new DescribeExecutionInput { ExecutionArn = executionArn },
            StepFunctionsJsonContext.Default.DescribeExecutionInput,
            StepFunctionsJsonContext.Default.DescribeExecutionOutput,
            cancellationToken);

    private Task<TOut> SendAsync<TIn, TOut>(
        string operation, TIn input, JsonTypeInfo<TIn> inType, JsonTypeInfo<TOut> outType, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(input, inType);
        return caller.SendAsync(
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, string.Empty)
                {
                    Content = new ByteArrayContent(body) { Headers = { ContentType = AmzJson } },
                };
                request.Headers.TryAddWithoutValidation("X-Amz-Target", TargetPrefix + operation);
                return request;
            },
            outType,
            cancellationToken);
    }
}
