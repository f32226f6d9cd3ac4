using System.Text.Json;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Imports;
using ImagingGateway.Gateway.Observability;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace ImagingGateway.Gateway.Http;

/// <summary>The HTTP port: liveness, readiness, Prometheus metrics and a small read-only JSON API.</summary>
public static class HttpEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapPrometheusScrapingEndpoint("/metrics");

        var api = app.MapGroup("/api");
        api.MapGet("/stats", GetStatsAsync);
        api.MapGet("/jobs", ListJobsAsync);
        api.MapGet("/jobs/{jobId}", GetJobAsync);
    }

    private static async Task<IResult> GetStatsAsync(GatewayStats stats, JobStatusSampler jobs, CancellationToken cancellationToken)
    {
        var counts = await jobs.CountAsync(cancellationToken);
        return Results.Json(new
        {
            instancesStored = stats.InstancesStored,
            bytesStored = stats.BytesStored,
            storeFailures = stats.StoreFailures,
            associations = stats.Associations,
            activeAssociations = stats.ActiveAssociations,
            jobs = counts.ToDictionary(kv => kv.Key.ToWire(), kv => kv.Value),
        });
    }

    private static async Task<IResult> ListJobsAsync(
        IImportJobRepository jobs, string? status, int? limit, string? next, CancellationToken cancellationToken)
    {
        var page = new PageRequest(Math.Clamp(limit ?? 100, 1, 1000), next);
        Page<ImportJob> result;
        if (status is null)
        {
            result = await jobs.ListAsync(page, cancellationToken);
        }
        else if (ImportJobStatusNames.TryParse(status, out var parsed))
        {
            result = await jobs.ListByStatusAsync(parsed, page, cancellationToken);
        }
        else
        {
            return Results.Problem($"status: '{status}' is not one of SUBMITTED, IN_PROGRESS, COMPLETED, FAILED", statusCode: 400);
        }

        return Results.Json(new { jobs = result.Items.Select(j => JobView.From(j.Snapshot)), next = result.ContinuationToken });
    }

    private static async Task<IResult> GetJobAsync(IImportJobRepository jobs, string jobId, CancellationToken cancellationToken)
    {
        var job = await jobs.GetAsync(jobId, cancellationToken);
        return job is null ? Results.NotFound() : Results.Json(JobView.From(job.Snapshot));
    }

    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
}
