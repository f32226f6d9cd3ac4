using ImagingGateway.Application.Commitments.GetCommitment;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Imports.GetImportJob;
using ImagingGateway.Application.Imports.ListImportJobs;
using ImagingGateway.Application.Imports.RetryImportJob;
using ImagingGateway.Application.Instances.GetInstance;
using ImagingGateway.Application.Instances.ListInstances;
using ImagingGateway.Domain.Imports;
using ImagingGateway.Gateway.Observability;
using Mediator;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace ImagingGateway.Gateway.Http;

/// <summary>
/// The HTTP port: liveness, readiness, Prometheus metrics and a small JSON API, read-only but for re-driving a job
/// (<c>POST /api/jobs/{jobId}/retry</c>).
/// </summary>
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
        api.MapPost("/jobs/{jobId}/retry", RetryJobAsync);
        api.MapGet("/instances", ListInstancesAsync);
        api.MapGet("/instances/{sopInstanceUid}", GetInstanceAsync);
        api.MapGet("/studies/{studyInstanceUid}/instances", ListStudyInstancesAsync);
        api.MapGet("/commitments/{transactionUid}", GetCommitmentAsync);
    }

    private static Task<IResult> GetCommitmentAsync(ISender sender, string transactionUid, CancellationToken cancellationToken) =>
        AnswerAsync(
            () => sender.Send(new GetCommitmentQuery(transactionUid), cancellationToken),
            commitment => commitment is null ? Results.NotFound() : Results.Json(commitment));

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
            pendingConnections = stats.PendingConnections,
            jobs = counts.ToDictionary(kv => kv.Key.ToWire(), kv => kv.Value),
        });
    }

    private static Task<IResult> ListJobsAsync(
        ISender sender, string? status, string? studyInstanceUID, int? limit, string? next, CancellationToken cancellationToken) =>
        AnswerAsync(
            () => sender.Send(new ListImportJobsQuery(status, studyInstanceUID, limit ?? 100, next), cancellationToken),
            page => Results.Json(new { jobs = page.Items, next = page.ContinuationToken }));

    private static Task<IResult> GetJobAsync(ISender sender, string jobId, CancellationToken cancellationToken) =>
        AnswerAsync(
            () => sender.Send(new GetImportJobQuery(jobId), cancellationToken),
            job => job is null ? Results.NotFound() : Results.Json(job));

    /// <summary>202 with the new batch when a retry was started, 409 with the reason (and the files not retryable) when nothing could be, 404 for an unknown job.</summary>
    private static async Task<IResult> RetryJobAsync(ISender sender, string jobId, CancellationToken cancellationToken)
    {
        try
        {
            return await AnswerAsync(
                () => sender.Send(new RetryImportJobCommand(jobId), cancellationToken),
                result => Results.Json(result, statusCode: result.Retried ? StatusCodes.Status202Accepted : StatusCodes.Status409Conflict));
        }
        catch (NotFoundException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status404NotFound);
        }
    }

    private static Task<IResult> ListInstancesAsync(ISender sender, string? studyInstanceUID, int? limit, CancellationToken cancellationToken) =>
        AnswerAsync(
            () => sender.Send(new ListInstancesQuery(studyInstanceUID, limit ?? 100), cancellationToken),
            list => Results.Json(list));

    private static Task<IResult> ListStudyInstancesAsync(ISender sender, string studyInstanceUid, int? limit, CancellationToken cancellationToken) =>
        ListInstancesAsync(sender, studyInstanceUid, limit, cancellationToken);

    private static Task<IResult> GetInstanceAsync(ISender sender, string sopInstanceUid, CancellationToken cancellationToken) =>
        AnswerAsync(
            () => sender.Send(new GetInstanceQuery(sopInstanceUid), cancellationToken),
            instance => instance is null ? Results.NotFound() : Results.Json(instance));

    /// <summary>Runs a query and answers with its result; a query that fails validation is a 400 whose message names the field.</summary>
    private static async Task<IResult> AnswerAsync<T>(Func<ValueTask<T>> query, Func<T, IResult> answer)
    {
        try
        {
            return answer(await query());
        }
        catch (RequestValidationException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest);
        }
    }
}
