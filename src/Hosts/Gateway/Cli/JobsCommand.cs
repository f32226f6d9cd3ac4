using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ImagingGateway.Application.Imports;
using ImagingGateway.Application.Imports.GetImportJob;
using ImagingGateway.Application.Imports.ListImportJobs;
using Mediator;

namespace ImagingGateway.Gateway.Cli;

/// <summary>
/// <c>jobs list [--status S] [--json] [--data DIR]</c> and <c>jobs show ID [--json] [--data DIR]</c>: read the job table
/// the gateway's configuration names (the local SQLite under the data directory by default). <c>jobs retry</c> is
/// <see cref="JobsRetryCommand"/>.
/// </summary>
public static class JobsCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "Data directory of the local adapters (Gateway:DataDirectory, default ./data)", Recursive = true };
        var json = new Option<bool>("--json") { Description = "Print JSON with the job table's attribute names", Recursive = true };
        var status = new Option<string?>("--status") { Description = "Only jobs with this status: SUBMITTED, IN_PROGRESS, COMPLETED or FAILED" };
        status.AcceptOnlyFromAmong("SUBMITTED", "IN_PROGRESS", "COMPLETED", "FAILED");
        var limit = new Option<int>("--limit") { Description = "At most this many jobs, newest first", DefaultValueFactory = _ => 1000 };

        var list = new Command("list", "List import jobs, newest first") { status, limit };
        list.SetAction((parseResult, cancellationToken) => ListAsync(
            parseResult.GetValue(data), parseResult.GetValue(status), parseResult.GetValue(limit), parseResult.GetValue(json), parseResult.UnmatchedTokens, cancellationToken));

        var id = new Argument<string>("ID") { Description = "The job id (jobId)" };
        var show = new Command("show", "Show one import job") { id };
        show.SetAction((parseResult, cancellationToken) => ShowAsync(
            parseResult.GetValue(data), parseResult.GetRequiredValue(id), parseResult.GetValue(json), parseResult.UnmatchedTokens, cancellationToken));

        return new Command("jobs", "Inspect and re-drive import jobs") { data, json, list, show, JobsRetryCommand.Create(data, json) };
    }

    private static async Task<int> ListAsync(string? data, string? status, int limit, bool json, IReadOnlyList<string> configArgs, CancellationToken cancellationToken)
    {
        await using var services = CliServices.Build(data, configArgs, out var errors);
        if (services is null)
        {
            return CliServices.ReportConfigurationErrors(errors);
        }

        var sender = services.GetRequiredService<ISender>();
        var jobs = new List<ImportJobDto>();
        string? token = null;
        while (jobs.Count < limit)
        {
            var page = await sender.Send(new ListImportJobsQuery(status, null, Math.Min(ListImportJobsValidator.MaxLimit, limit - jobs.Count), token), cancellationToken);
            jobs.AddRange(page.Items);
            token = page.ContinuationToken;
            if (token is null)
            {
                break;
            }
        }

        var views = jobs;
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(views, JsonOptions));
            return 0;
        }

        WriteTable(views);
        return 0;
    }

    private static async Task<int> ShowAsync(string? data, string jobId, bool json, IReadOnlyList<string> configArgs, CancellationToken cancellationToken)
    {
        await using var services = CliServices.Build(data, configArgs, out var errors);
        if (services is null)
        {
            return CliServices.ReportConfigurationErrors(errors);
        }

        var job = await services.GetRequiredService<ISender>().Send(new GetImportJobQuery(jobId), cancellationToken);
        if (job is null)
        {
            await Console.Error.WriteLineAsync($"no job with jobId '{jobId}'");
            return 1;
        }

        var view = job;
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(view, JsonOptions));
            return 0;
        }

        foreach (var property in JsonSerializer.SerializeToElement(view).EnumerateObject().Where(p => p.Name != "commitments"))
        {
            Console.WriteLine($"{property.Name,-18} {(property.Value.ValueKind == JsonValueKind.Null ? string.Empty : property.Value.ToString())}");
        }

        foreach (var commitment in view.Commitments)
        {
            Console.WriteLine(
                $"{"commitment",-18} {commitment.TransactionUid}: {commitment.Committed} committed, {commitment.Failed} failed, " +
                $"reported {commitment.ReportedAt.ToString("u", CultureInfo.InvariantCulture)}");
        }

        return 0;
    }

    private static void WriteTable(IReadOnlyList<ImportJobDto> jobs)
    {
        string[] header = ["jobId", "jobStatus", "submittedAt", "endedAt", "instanceCount", "studyInstanceUID", "message"];
        var rows = jobs.Select(j => new[]
        {
            j.JobId,
            j.JobStatus,
            j.SubmittedAt.ToString("u", CultureInfo.InvariantCulture),
            j.EndedAt?.ToString("u", CultureInfo.InvariantCulture) ?? string.Empty,
            j.InstanceCount.ToString(CultureInfo.InvariantCulture),
            j.StudyInstanceUid ?? string.Empty,
            Shorten(j.Message ?? string.Empty, 60),
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        Console.WriteLine(string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var row in rows)
        {
            Console.WriteLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        }

        Console.WriteLine($"{jobs.Count} job(s)");
    }

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
