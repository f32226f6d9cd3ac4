using System.Text.Json;
using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Imports.CheckImportStatus;
using ImagingGateway.Lambda.Hosting;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImagingGateway.Lambda.RecordExecutionFailure;

/// <summary>
/// Handler <c>ImagingGateway.Lambda::ImagingGateway.Lambda.RecordExecutionFailure.RecordExecutionFailureFunction::HandleAsync</c>.
/// Input: the EventBridge event of an import execution that ended FAILED, TIMED_OUT or ABORTED. An execution stopped
/// from outside (timeout, abort, the history limit) never reaches its own RecordFailure state, so this records the
/// batch's job FAILED with the execution's error, through the same use case (a job already final is left as it is).
/// Composes the job table only; needs <c>GATEWAY__AWS__{JOBTABLE,DATASTOREID,DATAACCESSROLEARN}</c>.
/// </summary>
public sealed partial class RecordExecutionFailureFunction(IServiceProvider services)
{
    public const string Name = "RecordExecutionFailure";
    public const LambdaPorts Ports = LambdaPorts.ImportJobs;
    public static readonly string[] Settings = ["JobTable", "DatastoreId", "DataAccessRoleArn"];
    public static readonly string[] FailedStatuses = ["FAILED", "TIMED_OUT", "ABORTED"];
    private static readonly Lazy<ServiceProvider> Shared = LambdaHost.FromEnvironment(Name, Ports);

    private readonly ISender _sender = services.GetRequiredService<ISender>();
    private readonly JobStatusMetrics _metrics = services.GetRequiredService<JobStatusMetrics>();
    private readonly ILogger _logger = services.GetRequiredService<ILogger<RecordExecutionFailureFunction>>();

    public RecordExecutionFailureFunction()
        : this(Shared.Value)
    {
    }

    public async Task<Stream> HandleAsync(Stream input)
    {
        LambdaHost.RequireSettings(services, Name, Settings);
        ExecutionStatusChange change;
        try
        {
            using var document = await JsonDocument.ParseAsync(input);
            change = ExecutionStatusChange.Parse(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new InvalidInputException(Name, $"malformed execution status change event: {e.Message}");
        }

        if (!FailedStatuses.Contains(change.Status, StringComparer.Ordinal))
        {
            LogIgnored(_logger, change.ExecutionArn, change.Status);
            return StateJson.Write(change.Input ?? throw new InvalidInputException(Name, "the event has no execution input"));
        }

        var state = change.Input
            ?? throw new InvalidInputException(Name, $"execution {change.ExecutionArn} ({change.Status}) has no input in its event: the batch cannot be named");
        var error = new WorkflowError(
            change.Error ?? $"Execution{ToPascal(change.Status)}",
            change.Cause ?? $"the execution {change.ExecutionArn} ended {change.Status}");
        var output = await TaskErrors.RunAsync(async () =>
            await _sender.Send(new CheckImportStatusCommand(state with { JobId = null, Error = error })));
        if (change.Status != "FAILED")
        {
            // A FAILED execution went through its own RecordFailure state, which counted the job already.
            _metrics.RecordChange(null, output.JobStatus);
        }

        LogRecorded(_logger, change.ExecutionArn, change.Status, output.JobId ?? "(none)", output.JobStatus ?? "(none)");
        return StateJson.Write(output);
    }

    private static string ToPascal(string status) => string.Concat(status.Split('_').Select(w => w[..1] + w[1..].ToLowerInvariant()));

    [LoggerMessage(Level = LogLevel.Information, Message = "RecordExecutionFailure: execution {ExecutionArn} ended {Status}; nothing to record")]
    private static partial void LogIgnored(ILogger logger, string executionArn, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RecordExecutionFailure: execution {ExecutionArn} ended {Status}; job {JobId} is {JobStatus}")]
    private static partial void LogRecorded(ILogger logger, string executionArn, string status, string jobId, string jobStatus);
}
