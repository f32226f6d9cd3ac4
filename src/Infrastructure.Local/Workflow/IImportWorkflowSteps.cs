using ImagingGateway.Application.Common.Contracts;

namespace ImagingGateway.Infrastructure.Local.Workflow;

/// <summary>
/// The two task states of the import state machine, as the Lambda functions run them in the cloud: each takes the
/// state and returns the new one (payload response only: the result replaces the state).
/// </summary>
public interface IImportWorkflowSteps
{
    /// <summary>StartImportJob.</summary>
    Task<ImportState> StartImportJobAsync(ImportState state, CancellationToken cancellationToken);

    /// <summary>CheckStatus, and RecordFailure (the same function with <see cref="ImportState.Error"/> set).</summary>
    Task<ImportState> CheckStatusAsync(ImportState state, CancellationToken cancellationToken);
}
