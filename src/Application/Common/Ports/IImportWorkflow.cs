using ImagingGateway.Application.Common.Contracts;

namespace ImagingGateway.Application.Common.Ports;

/// <summary>
/// Runs the import state machine (TriggerImport → StartImportJob → WaitForCompletion → CheckStatus → IsComplete)
/// for one batch. One execution per batch: the execution is named by the batch id, and starting it again returns
/// the existing execution with <see cref="WorkflowExecution.AlreadyStarted"/> set.
/// </summary>
public interface IImportWorkflow
{
    Task<WorkflowExecution> StartAsync(ImportState input, CancellationToken cancellationToken);
}

public sealed record WorkflowExecution(string Name, string ExecutionId, bool AlreadyStarted);
