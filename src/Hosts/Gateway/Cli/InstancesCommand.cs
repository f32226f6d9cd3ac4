using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Instances;
using ImagingGateway.Application.Instances.GetInstance;
using Mediator;

namespace ImagingGateway.Gateway.Cli;

/// <summary>
/// <c>instances show UID [--json] [--data DIR]</c>: where one received instance is stored, where its import landed and
/// its latest storage commitment report,
/// read from the received-instance index and the job table the gateway's configuration names (as <c>jobs</c> does).
/// </summary>
public static class InstancesCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "Data directory of the local adapters (Gateway:DataDirectory, default ./data)", Recursive = true };
        var json = new Option<bool>("--json") { Description = "Print the JSON the API answers at /api/instances/{sopInstanceUid}", Recursive = true };
        var uid = new Argument<string>("UID") { Description = "The SOP Instance UID (0008,0018)" };
        var show = new Command("show", "Show where one instance is stored and where its import landed") { uid };
        show.SetAction((parseResult, cancellationToken) => ShowAsync(
            parseResult.GetValue(data), parseResult.GetRequiredValue(uid), parseResult.GetValue(json), parseResult.UnmatchedTokens, cancellationToken));

        return new Command("instances", "Inspect received instances") { data, json, show };
    }

    /// <summary>One line saying where the instance's import stands, e.g. "imported into image set … (version 1) by job …".</summary>
    public static string Describe(InstanceDto instance) => instance switch
    {
        { ImportOutcome: { Status: ImportOutcomeDto.Imported } o } =>
            $"imported into image set {o.ImageSetId}{(o.ImageSetVersion is null ? string.Empty : $" (version {o.ImageSetVersion})")} by job {o.JobId}",
        { ImportOutcome: { } o } => $"failed: {o.FailureReason ?? "no reason given"} (job {o.JobId})",
        { JobId: null } => $"not yet imported (batch {instance.BatchId} has no import job yet)",
        { JobStatus: "SUBMITTED" or "IN_PROGRESS" } => $"not yet imported (job {instance.JobId}, {instance.JobStatus})",
        { JobStatus: "FAILED" } => $"not imported: job {instance.JobId} FAILED (see: jobs show {instance.JobId})",
        _ => $"job {instance.JobId} is {instance.JobStatus}, but no outcome is recorded for this instance (see: jobs show {instance.JobId})",
    };

    /// <summary>The latest commitment report in one line, e.g. "COMMITTED (transaction 2.25.1, reported 2026-12-07 10:00:00Z)".</summary>
    public static string DescribeCommitment(InstanceCommitmentDto commitment) =>
        $"{commitment.Status}{(commitment.FailureReason is null ? string.Empty : $" {commitment.FailureReason}")} " +
        $"(transaction {commitment.TransactionUid}, reported {commitment.ReportedAt.ToString("u", CultureInfo.InvariantCulture)})";

    private static async Task<int> ShowAsync(string? data, string sopInstanceUid, bool json, IReadOnlyList<string> configArgs, CancellationToken cancellationToken)
    {
        await using var services = CliServices.Build(data, configArgs, out var errors);
        if (services is null)
        {
            return CliServices.ReportConfigurationErrors(errors);
        }

        InstanceDto? instance;
        try
        {
            instance = await services.GetRequiredService<ISender>().Send(new GetInstanceQuery(sopInstanceUid), cancellationToken);
        }
        catch (RequestValidationException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }

        if (instance is null)
        {
            await Console.Error.WriteLineAsync($"no received instance with SOP Instance UID '{sopInstanceUid}'");
            return 1;
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(instance, JsonOptions));
            return 0;
        }

        Console.WriteLine(Describe(instance));
        Console.WriteLine($"{"study",-18} {instance.StudyInstanceUid}");
        Console.WriteLine($"{"series",-18} {instance.SeriesInstanceUid}");
        Console.WriteLine($"{"location",-18} {instance.Location}");
        Console.WriteLine($"{"batch",-18} {instance.BatchId}");
        Console.WriteLine($"{"received",-18} {instance.ReceivedAt.ToString("u", CultureInfo.InvariantCulture)}");
        if (instance.Commitment is { } commitment)
        {
            Console.WriteLine($"{"commitment",-18} {DescribeCommitment(commitment)}");
        }

        return 0;
    }
}
