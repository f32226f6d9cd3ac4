using ImagingGateway.Infrastructure.Local.Imaging;

namespace ImagingGateway.Gateway.Hosting.LocalPipeline;

/// <summary>At start, continues every import job a previous run left unfinished; at stop, stops the worker.</summary>
public sealed class LocalImagingHostedService(LocalImagingService imaging) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => imaging.ResumeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => imaging.StopAsync();
}
