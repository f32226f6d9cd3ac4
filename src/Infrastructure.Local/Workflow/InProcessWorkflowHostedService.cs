using Microsoft.Extensions.Hosting;

namespace ImagingGateway.Infrastructure.Local.Workflow;

/// <summary>At start, resumes every execution a previous run left unfinished; at stop, stops driving them.</summary>
public sealed class InProcessWorkflowHostedService(InProcessImportWorkflow workflow) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => workflow.ResumeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => workflow.StopAsync();
}
