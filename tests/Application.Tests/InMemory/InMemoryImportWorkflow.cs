using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Common.Ports;

namespace ImagingGateway.Application.Tests.InMemory;

/// <summary>Records executions, one per name (the batch id); starting a name again returns the first with AlreadyStarted.</summary>
public sealed class InMemoryImportWorkflow : IImportWorkflow
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (WorkflowExecution Execution, ImportState Input)> _executions = new(StringComparer.Ordinal);

    public int StartCalls { get; private set; }

    public IReadOnlyList<ImportState> Inputs
    {
        get
        {
            lock (_lock)
            {
                return [.. _executions.Values.Select(e => e.Input)];
            }
        }
    }

    public Task<WorkflowExecution> StartAsync(ImportState input, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            StartCalls++;
            if (_executions.TryGetValue(input.BatchId, out var existing))
            {
                return Task.FromResult(existing.Execution with { AlreadyStarted = true });
            }

            var execution = new WorkflowExecution(input.BatchId, $"arn:local:execution:import:{input.BatchId}", false);
            _executions.Add(input.BatchId, (execution, input));
            return Task.FromResult(execution);
        }
    }
}
