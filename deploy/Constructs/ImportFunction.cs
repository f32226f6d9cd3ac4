using Amazon.CDK;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Logs;
using Constructs;

namespace ImagingGateway.Deploy.Constructs;

/// <summary>
/// One Lambda handler of the import pipeline on the managed <c>dotnet10</c> runtime (Stream → Stream handlers, no
/// Lambda packages), with its own log group (retention set, retained with the data) and X-Ray tracing. It starts
/// with no permissions; the stack grants each function exactly what its handler calls.
/// </summary>
public sealed class ImportFunction : Construct
{
    /// <summary>The managed .NET 10 runtime; aws-cdk-lib 2.160.0 predates its constant.</summary>
    public static readonly Runtime DotNet10 = new("dotnet10", RuntimeFamily.DOTNET_CORE);

    public ImportFunction(Construct scope, string id, ImportFunctionProps props) : base(scope, id)
    {
        LogGroup = new LogGroup(this, "Logs", new LogGroupProps
        {
            Retention = props.LogRetention,
            RemovalPolicy = RemovalPolicy.RETAIN,
        });
        Function = new Function(this, "Function", new FunctionProps
        {
            Description = props.Description,
            Runtime = DotNet10,
            Architecture = Architecture.ARM_64,
            Handler = props.Handler,
            Code = props.Code,
            MemorySize = props.MemoryMiB,
            ReservedConcurrentExecutions = props.ReservedConcurrency > 0 ? props.ReservedConcurrency : null,
            Timeout = props.Timeout,
            Environment = props.Environment,
            LogGroup = LogGroup,
            Tracing = Tracing.ACTIVE,
            DeadLetterQueue = props.FailedEvents,
            // Asynchronous invocations (S3 events): Lambda retries twice, then parks the event in the queue.
            RetryAttempts = props.FailedEvents is null ? null : 2,
            MaxEventAge = props.FailedEvents is null ? null : Duration.Hours(6),
        });
    }

    public Function Function { get; }

    public LogGroup LogGroup { get; }
}
