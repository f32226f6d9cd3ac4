namespace ImagingGateway.AwsLocal.Lambda;

/// <summary>The function's response, or its error document (<c>{errorType, errorMessage, ...}</c>) when <see cref="FunctionError"/> is set.</summary>
public sealed record InvocationResult(byte[] Payload, string? FunctionError);
