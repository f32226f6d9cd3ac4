using ImagingGateway.Application.Common.Ports;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImagingGateway.Gateway.Http;

/// <summary>Readiness: the instance store and the job table answer (a missing object is an answer).</summary>
public sealed class StoresHealthCheck(IServiceScopeFactory scopes) : IHealthCheck
{
    private const string ProbeKey = "batches/readiness-probe.json";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            await scope.ServiceProvider.GetRequiredService<IInstanceStore>().GetInfoAsync(ProbeKey, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("instance store unreachable: " + e.Message);
        }

        try
        {
            await scope.ServiceProvider.GetRequiredService<IImportJobRepository>().ListAsync(new PageRequest(1), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("job table unreachable: " + e.Message);
        }

        return HealthCheckResult.Healthy();
    }
}
