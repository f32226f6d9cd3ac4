using System.Diagnostics.Metrics;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Imports;

namespace ImagingGateway.Gateway.Observability;

/// <summary>
/// Counts import jobs by status: every status on demand for <c>/api/stats</c>, and the open ones (SUBMITTED,
/// IN_PROGRESS) every few seconds in the background for the <c>gateway.jobs</c> gauge (an observable instrument must
/// not query a database on the exporter's thread). The background count covers only jobs still running, bounded by
/// the data store's concurrent-job quota, so its cost does not grow with the jobs that have ended.
/// </summary>
public sealed class JobStatusSampler(IServiceScopeFactory scopes, ILogger<JobStatusSampler> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    /// <summary>The statuses the background sample counts: the jobs that have not ended.</summary>
    public static readonly IReadOnlyCollection<ImportJobStatus> Open = [ImportJobStatus.Submitted, ImportJobStatus.InProgress];

    private volatile IReadOnlyDictionary<ImportJobStatus, long> _last = new Dictionary<ImportJobStatus, long>();

    /// <summary>Every status, read now (for <c>/api/stats</c>).</summary>
    public Task<IReadOnlyDictionary<ImportJobStatus, long>> CountAsync(CancellationToken cancellationToken) =>
        CountAsync(Enum.GetValues<ImportJobStatus>(), cancellationToken);

    public IEnumerable<Measurement<long>> Observe() =>
        _last.Select(kv => new Measurement<long>(kv.Value, new KeyValuePair<string, object?>("status", kv.Key.ToWire())));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                _last = await CountAsync(Open, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Counting open import jobs failed; the gateway.jobs gauge keeps its last values");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<IReadOnlyDictionary<ImportJobStatus, long>> CountAsync(IReadOnlyCollection<ImportJobStatus> statuses, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IImportJobRepository>().CountByStatusAsync(statuses, cancellationToken);
    }
}
