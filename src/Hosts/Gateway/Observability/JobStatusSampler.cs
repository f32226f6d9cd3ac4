using System.Diagnostics.Metrics;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Imports;

namespace ImagingGateway.Gateway.Observability;

/// <summary>
/// Counts import jobs by status: on demand for <c>/api/stats</c>, and every few seconds in the background for the
/// <c>gateway.jobs</c> gauge (an observable instrument must not query a database on the exporter's thread). The
/// repository counts on its side, so a sample costs a few queries however many jobs there are.
/// </summary>
public sealed class JobStatusSampler(IServiceScopeFactory scopes, ILogger<JobStatusSampler> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private volatile IReadOnlyDictionary<ImportJobStatus, long> _last = new Dictionary<ImportJobStatus, long>();

    public async Task<IReadOnlyDictionary<ImportJobStatus, long>> CountAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var counts = await scope.ServiceProvider.GetRequiredService<IImportJobRepository>().CountByStatusAsync(cancellationToken);
        _last = counts;
        return counts;
    }

    public IEnumerable<Measurement<long>> Observe() =>
        _last.Select(kv => new Measurement<long>(kv.Value, new KeyValuePair<string, object?>("status", kv.Key.ToWire())));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await CountAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Counting import jobs by status failed; the gateway.jobs gauge keeps its last values");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
