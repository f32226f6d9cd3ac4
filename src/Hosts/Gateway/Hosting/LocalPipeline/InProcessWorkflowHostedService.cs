using ImagingGateway.Infrastructure.Local.Workflow;

namespace ImagingGateway.Gateway.Hosting.LocalPipeline;

/// <summary>At start, resumes every execution a previous run left unfinished; at stop, stops driving them.</summary>
public sealed class InProcessWorkflowHostedService(InProcessImportWorkflow workflow) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => workflow.ResumeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => workflow.StopAsync();
}
