using System.Text.Json;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Imports.TriggerImport;
using ImagingGateway.Domain.Batches;
using ImagingGateway.Infrastructure.Aws;
using ImagingGateway.Lambda.Hosting;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Lambda.TriggerImport;

/// <summary>
/// Handler <c>ImagingGateway.Lambda::ImagingGateway.Lambda.TriggerImport.TriggerImportFunction::HandleAsync</c>.
/// Input: the S3 object-created notification for <c>batches/{batchId}.json</c>. Each manifest becomes a
/// <see cref="TriggerImportCommand"/>; output <c>{ "executions": [ { "batchId", "executionArn", "alreadyStarted" } ] }</c>.
/// A malformed event fails the invocation; a record that is not a manifest of our bucket, or a batch that is not
/// importable (missing or non-DICOM objects), is logged as an error and starts nothing.
/// Composes the S3 instance store and the Step Functions workflow.
/// </summary>
public sealed partial class TriggerImportFunction(IServiceProvider services)
{
    public const string Name = "TriggerImport";
    public const LambdaPorts Ports = LambdaPorts.InstanceStore | LambdaPorts.Workflow;

    /// <summary>The state machine's ARN is checked by the workflow adapter when it starts an execution.</summary>
    public static readonly string[] Settings = ["DicomBucket", "ResultsBucket"];
    private static readonly Lazy<ServiceProvider> Shared = LambdaHost.FromEnvironment(Name, Ports);

    private readonly ISender _sender = services.GetRequiredService<ISender>();
    private readonly ILogger _logger = services.GetRequiredService<ILogger<TriggerImportFunction>>();
    private readonly string _bucket = services.GetRequiredService<IOptions<AwsOptions>>().Value.DicomBucket;

    /// <summary>For the Lambda runtime: composes from the environment.</summary>
    public TriggerImportFunction()
        : this(Shared.Value)
    {
    }

    public async Task<Stream> HandleAsync(Stream input)
    {
        LambdaHost.RequireSettings(services, Name, Settings);
        S3EventNotification notification;
        try
        {
            using var document = await JsonDocument.ParseAsync(input);
            notification = S3EventNotification.Parse(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            LogMalformedEvent(_logger, e.Message);
            throw new InvalidInputException("TriggerImport", $"malformed S3 event notification: {e.Message}");
        }

        if (notification.IsTestEvent)
        {
            LogTestEvent(_logger);
        }

        var started = new List<TriggerImportResult>();
        foreach (var record in notification.Records)
        {
            if (record.Bucket != _bucket || !record.EventName.StartsWith("ObjectCreated:", StringComparison.Ordinal)
                || !ObjectKeys.TryParseManifest(record.Key, out _))
            {
                LogNotAManifest(_logger, record.EventName, record.Bucket, record.Key);
                continue;
            }

            try
            {
                var result = await _sender.Send(new TriggerImportCommand(record.Key));
                LogStarted(_logger, result.BatchId, result.ExecutionId, result.AlreadyStarted);
                started.Add(result);
            }
            catch (InvalidBatchException e)
            {
                LogInvalidBatch(_logger, e.BatchId, string.Join("; ", e.Problems));
            }
            catch (NotFoundException e)
            {
                LogInvalidBatch(_logger, record.Key, e.Message);
            }
            catch (RequestValidationException e)
            {
                LogInvalidBatch(_logger, record.Key, e.Message);
            }
        }

        return WriteOutput(started);
    }

    private static MemoryStream WriteOutput(IReadOnlyList<TriggerImportResult> started)
    {
        var output = new MemoryStream();
        using (var w = new Utf8JsonWriter(output))
        {
            w.WriteStartObject();
            w.WriteStartArray("executions");
            foreach (var s in started)
            {
                w.WriteStartObject();
                w.WriteString("batchId", s.BatchId);
                w.WriteString("executionArn", s.ExecutionId);
                w.WriteBoolean("alreadyStarted", s.AlreadyStarted);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        output.Position = 0;
        return output;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "TriggerImport: malformed S3 event notification, nothing started: {Reason}")]
    private static partial void LogMalformedEvent(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "TriggerImport: s3:TestEvent received, nothing to do")]
    private static partial void LogTestEvent(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "TriggerImport: {EventName} s3://{Bucket}/{Key} is not a batch manifest of the DICOM bucket; nothing started")]
    private static partial void LogNotAManifest(ILogger logger, string eventName, string bucket, string key);

    [LoggerMessage(Level = LogLevel.Error, Message = "TriggerImport: batch {Batch} cannot be imported, nothing started: {Problems}")]
    private static partial void LogInvalidBatch(ILogger logger, string batch, string problems);

    [LoggerMessage(Level = LogLevel.Information, Message = "TriggerImport: batch {BatchId} -> execution {ExecutionArn} (already started: {AlreadyStarted})")]
    private static partial void LogStarted(ILogger logger, string batchId, string executionArn, bool alreadyStarted);
}
