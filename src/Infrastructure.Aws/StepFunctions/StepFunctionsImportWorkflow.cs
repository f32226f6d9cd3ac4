using System.Text.Json;
using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Aws.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Infrastructure.Aws.StepFunctions;

/// <summary>
/// <see cref="IImportWorkflow"/> on the import state machine: one execution per batch, named by the batch id, with
/// the <see cref="ImportState"/> as input. Step Functions answers a repeated StartExecution with the same name and
/// input with the running execution; a name already used otherwise is ExecutionAlreadyExists, which here means
/// "already started": the execution's ARN is derived from the state machine's and confirmed with DescribeExecution.
/// </summary>
public sealed class StepFunctionsImportWorkflow(
    StepFunctionsClient client,
    IOptions<AwsOptions> options,
    ILogger<StepFunctionsImportWorkflow> logger) : IImportWorkflow
{
    public async Task<WorkflowExecution> StartAsync(ImportState input, CancellationToken cancellationToken)
    {
        // Checked here, at the one call that needs it, so that composing the adapter never fails.
        var stateMachineArn = string.IsNullOrWhiteSpace(options.Value.StateMachineArn)
            ? throw new InvalidOperationException(
                "Gateway:Aws:StateMachineArn (environment GATEWAY__AWS__STATEMACHINEARN) is not set: the Step Functions workflow cannot start an execution")
            : options.Value.StateMachineArn;
        var name = input.BatchId;
        var json = JsonSerializer.Serialize(input, ImportStateJsonContext.Default.ImportState);
        try
        {
            var started = await client.StartExecutionAsync(
                new StartExecutionInput { StateMachineArn = stateMachineArn, Name = name, Input = json },
                cancellationToken);
            logger.LogInformation("execution {ExecutionArn} started for batch {BatchId}", started.ExecutionArn, name);
            return new WorkflowExecution(name, started.ExecutionArn, AlreadyStarted: false);
        }
        catch (AwsServiceException e) when (e.ErrorCode == "ExecutionAlreadyExists")
        {
            var arn = ExecutionArnOf(stateMachineArn, name);
            var existing = await client.DescribeExecutionAsync(arn, cancellationToken);
            logger.LogInformation(
                "batch {BatchId} already has execution {ExecutionArn} ({Status}); not starting another",
                name,
                existing.ExecutionArn,
                existing.Status);
            return new WorkflowExecution(name, existing.ExecutionArn, AlreadyStarted: true);
        }
    }

    /// <summary>arn:aws:states:r:a:stateMachine:M → arn:aws:states:r:a:execution:M:{name}</summary>
    public static string ExecutionArnOf(string stateMachineArn, string name)
    {
        const string marker = ":stateMachine:";
        var i = stateMachineArn.IndexOf(marker, StringComparison.Ordinal);
        if (i < 0)
        {
            throw new FormatException($"'{stateMachineArn}' is not a state machine ARN");
        }

        return stateMachineArn[..i] + ":execution:" + stateMachineArn[(i + marker.Length)..] + ":" + name;
    }
}
