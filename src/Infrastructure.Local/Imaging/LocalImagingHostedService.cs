using Microsoft.Extensions.Hosting;

namespace ImagingGateway.Infrastructure.Local.Imaging;

/// <summary>At start, continues every import job a previous run left unfinished; at stop, stops the worker.</summary>
public sealed class LocalImagingHostedService(LocalImagingService imaging) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => imaging.ResumeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => imaging.StopAsync();
}
