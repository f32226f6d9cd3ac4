using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Application.Imports.TriggerImport;
using ImagingGateway.Domain.Batches;
using ImagingGateway.Infrastructure.Local.FileSystem;
using ImagingGateway.Infrastructure.Local.Workflow;
using Mediator;

namespace ImagingGateway.Gateway.Hosting.LocalPipeline;

/// <summary>
/// The local S3 event → TriggerImport Lambda: reads the store's object-created events and sends
/// <see cref="TriggerImportCommand"/> for every batch manifest. The queue lives in memory, so at start it first
/// triggers every manifest that has no execution in <paramref name="inProcessWorkflow"/> (the event was lost when the
/// process died between writing the manifest and dispatching it); without the in-process engine (Step Functions) there
/// is no cheap way to ask, and nothing is recovered. Starting is idempotent by batch id, so a manifest seen twice is harmless.
/// </summary>
public sealed partial class ObjectCreatedDispatcher(
    ObjectCreatedNotifications notifications,
    IInstanceStore store,
    ISender sender,
    InProcessImportWorkflow? inProcessWorkflow,
    ILogger<ObjectCreatedDispatcher> logger) : BackgroundService
{
    private const int MaxAttempts = 3;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RecoverMissedManifestsAsync(stoppingToken).ConfigureAwait(false);
            await foreach (var created in notifications.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await DispatchAsync(created.Key, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; undispatched manifests are recovered at the next start.
        }
    }

    /// <summary>Triggers the import of one manifest key; other keys are ignored. Returns whether it was dispatched.</summary>
    public async Task<bool> DispatchAsync(string key, CancellationToken cancellationToken)
    {
        if (!ObjectKeys.TryParseManifest(key, out _))
        {
            return false;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await sender.Send(new TriggerImportCommand(key), cancellationToken).ConfigureAwait(false);
                LogTriggered(logger, key, result.ExecutionId, result.AlreadyStarted);
                return true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= MaxAttempts)
                {
                    // As with S3 → Lambda after its retries: the event is dropped and logged; the manifest stays and is
                    // retried at the next start.
                    LogTriggerFailed(logger, ex, key, attempt);
                    return false;
                }

                await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task RecoverMissedManifestsAsync(CancellationToken cancellationToken)
    {
        if (inProcessWorkflow is null)
        {
            return;
        }

        var recovered = 0;
        await foreach (var item in store.ListAsync(ObjectKeys.ManifestsRoot, cancellationToken).ConfigureAwait(false))
        {
            if (ObjectKeys.TryParseManifest(item.Key, out var batchId)
                && !await inProcessWorkflow.ExistsAsync(batchId.Value, cancellationToken).ConfigureAwait(false)
                && await DispatchAsync(item.Key, cancellationToken).ConfigureAwait(false))
            {
                recovered++;
            }
        }

        if (recovered > 0)
        {
            LogRecovered(logger, recovered);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Manifest {Key}: workflow {ExecutionId} (already started: {AlreadyStarted})")]
    private static partial void LogTriggered(ILogger logger, string key, string executionId, bool alreadyStarted);

    [LoggerMessage(Level = LogLevel.Error, Message = "Manifest {Key}: TriggerImport failed {Attempts} times; it is retried at the next start")]
    private static partial void LogTriggerFailed(ILogger logger, Exception exception, string key, int attempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Triggered {Count} batch manifests whose events were lost")]
    private static partial void LogRecovered(ILogger logger, int count);
}
