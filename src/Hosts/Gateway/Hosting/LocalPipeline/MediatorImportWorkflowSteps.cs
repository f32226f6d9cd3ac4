using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Imports.CheckImportStatus;
using ImagingGateway.Application.Imports.StartImportJob;
using ImagingGateway.Infrastructure.Local.Workflow;
using Mediator;

namespace ImagingGateway.Gateway.Hosting.LocalPipeline;

/// <summary>The task states run as the use cases, through the mediator (so validation and logging apply, as in the Lambdas).</summary>
public sealed class MediatorImportWorkflowSteps(ISender sender) : IImportWorkflowSteps
{
    public async Task<ImportState> StartImportJobAsync(ImportState state, CancellationToken cancellationToken) =>
        await sender.Send(new StartImportJobCommand(state), cancellationToken).ConfigureAwait(false);

    public async Task<ImportState> CheckStatusAsync(ImportState state, CancellationToken cancellationToken) =>
        await sender.Send(new CheckImportStatusCommand(state), cancellationToken).ConfigureAwait(false);
}
