using System.CommandLine;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Common.Serialization;
using ImagingGateway.Application.Imports.RetryImportJob;
using ImagingGateway.Gateway.Configuration;
using Mediator;

namespace ImagingGateway.Gateway.Cli;

/// <summary>
/// <c>jobs retry ID [--api URL] [--json] [--data DIR]</c>: re-drives an ended import job (RetryImportJob). Without
/// <c>--api</c> it runs the use case against the configured adapters: in AWS mode the manifest it writes to S3 raises the
/// bucket's event and the normal TriggerImport → Step Functions path imports it; locally the data directory must not
/// be held by a running gateway (whose store alone may write), and the manifest is imported when <c>serve</c> next
/// starts. <c>--api</c> asks a running gateway's JSON API instead, which imports at once in either mode. The exit code
/// is 0 when a retry was started, 1 when there was nothing to retry (or no such job).
/// </summary>
public static class JobsRetryCommand
{
    private static readonly JsonSerializerOptions Indented = new(ApplicationJsonContext.Default.Options) { WriteIndented = true };

    public static Command Create(Option<string?> data, Option<bool> json)
    {
        var id = new Argument<string>("ID") { Description = "The job id (jobId) of a COMPLETED or FAILED job" };
        var api = new Option<string?>("--api") { Description = "Base URL of a running gateway's HTTP port (e.g. http://127.0.0.1:8080): retry through its JSON API" };
        var retry = new Command("retry", "Import a FAILED job's batch again, or a COMPLETED job's retryable failed files") { id, api };
        retry.SetAction((parseResult, cancellationToken) => RetryAsync(
            parseResult.GetValue(data), parseResult.GetRequiredValue(id), parseResult.GetValue(api), parseResult.GetValue(json), parseResult.UnmatchedTokens, cancellationToken));
        return retry;
    }

    private static async Task<int> RetryAsync(string? data, string jobId, string? apiUrl, bool json, IReadOnlyList<string> configArgs, CancellationToken cancellationToken)
    {
        RetryImportJobResult? result;
        string? next;
        Uri? api = null;
        if (apiUrl is not null && (!Uri.TryCreate(apiUrl.EndsWith('/') ? apiUrl : apiUrl + "/", UriKind.Absolute, out api) || api.Scheme is not ("http" or "https")))
        {
            await Console.Error.WriteLineAsync($"--api: '{apiUrl}' is not an http:// or https:// URL");
            return 2;
        }

        if (api is not null)
        {
            (result, next) = (await RetryThroughApiAsync(api, jobId, cancellationToken), "the gateway imports it now");
        }
        else
        {
            await using var services = CliServices.Build(data, configArgs, out var errors);
            if (services is null)
            {
                return CliServices.ReportConfigurationErrors(errors);
            }

            var s3 = services.GetRequiredService<GatewayOptions>().Adapters.Storage == StorageAdapter.S3;
            next = s3 ? "its S3 event starts the import" : "the gateway imports it when it starts (serve); use --api to have a running gateway import it at once";
            try
            {
                result = await services.GetRequiredService<ISender>().Send(new RetryImportJobCommand(jobId), cancellationToken);
            }
            catch (NotFoundException)
            {
                result = null;
            }
            catch (IOException e) when (!s3)
            {
                await Console.Error.WriteLineAsync($"cannot write to the instance store: {e.Message}");
                await Console.Error.WriteLineAsync("A running gateway holds the data directory: retry through it with --api http://HOST:HTTP_PORT");
                return 1;
            }
        }

        if (result is null)
        {
            await Console.Error.WriteLineAsync($"no job with jobId '{jobId}'");
            return 1;
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(result, Indented));
        }
        else
        {
            Write(result, next);
        }

        return result.Retried ? 0 : 1;
    }

    private static async Task<RetryImportJobResult?> RetryThroughApiAsync(Uri api, string jobId, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromMinutes(5) };
        using var response = await http.PostAsync($"api/jobs/{Uri.EscapeDataString(jobId)}/retry", content: null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (response.StatusCode is not (HttpStatusCode.Accepted or HttpStatusCode.Conflict))
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"POST {api}api/jobs/{jobId}/retry answered {(int)response.StatusCode}: {body}");
        }

        return await response.Content.ReadFromJsonAsync(ApplicationJsonContext.Default.RetryImportJobResult, cancellationToken)
            ?? throw new InvalidDataException("the gateway answered an empty retry result");
    }

    private static void Write(RetryImportJobResult result, string next)
    {
        Console.WriteLine(result.Message);
        if (result.Retried)
        {
            Console.WriteLine($"retry batch {result.BatchId} ({result.Kind}): {result.RetriedFiles.Count} files from {result.InputPrefix}, manifest {result.ManifestKey}; {next}.");
            Console.WriteLine($"The new job records retryOf={result.JobId}; 'jobs show {result.JobId}' shows it as retriedBy once it starts.");
        }

        if (result.NotRetryable.Count > 0)
        {
            Console.WriteLine($"not retryable ({result.NotRetryable.Count}):");
            foreach (var file in result.NotRetryable)
            {
                Console.WriteLine($"  {file.InputFile}: {file.Reason}");
            }
        }
    }
}
