using ImagingGateway.Application.Common.Contracts;

namespace ImagingGateway.Infrastructure.Local.Workflow;

/// <summary>One execution as persisted: where it is in the state machine, the state it carries, and its retry counters.</summary>
public sealed record WorkflowExecutionInfo(
    string Name,
    string ExecutionId,
    string Status,
    string CurrentState,
    ImportState State,
    int QuotaAttempts,
    int TransientAttempts,
    DateTimeOffset NextRunAt,
    DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? StoppedAt,
    string? Error,
    string? Cause)
{
    public bool IsRunning => Status == WorkflowStates.Running;
}
