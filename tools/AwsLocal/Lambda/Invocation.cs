namespace ImagingGateway.AwsLocal.Lambda;

/// <summary>One invocation waiting for, or being run by, a function's execution environment.</summary>
public sealed class Invocation(byte[] payload)
{
    public string RequestId { get; } = Guid.NewGuid().ToString();

    public byte[] Payload { get; } = payload;

    public TaskCompletionSource<InvocationResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
