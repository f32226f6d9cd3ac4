using ImagingGateway.Application.Batches.RecoverOpenBatches;
using ImagingGateway.Gateway.Configuration;
using Mediator;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Gateway.Hosting;

/// <summary>
/// Closes batches left open by a previous process (killed before its associations ended) at start-up, then
/// periodically retries closes that failed and closes batches other gateways abandoned. With local storage this
/// process is the only writer, so the first run needs no quiet period; a shared S3 bucket keeps the configured one.
/// </summary>
public sealed partial class BatchRecoveryService(ISender sender, IOptions<GatewayOptions> options, ILogger<BatchRecoveryService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        TimeSpan? firstQuiet = o.Adapters.Storage == StorageAdapter.FileSystem ? TimeSpan.Zero : null;
        await RunAsync(firstQuiet, stoppingToken);
        using var timer = new PeriodicTimer(o.RecoveryInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RunAsync(null, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunAsync(TimeSpan? quietPeriod, CancellationToken stoppingToken)
    {
        try
        {
            var result = await sender.Send(new RecoverOpenBatchesCommand(QuietPeriod: quietPeriod), stoppingToken);
            foreach (var batch in result.Batches)
            {
                LogRecovered(logger, batch.BatchId, batch.InstanceCount, batch.Skipped.Count);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Recovery is retried on the next tick; the gateway keeps serving meanwhile.
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovered batch {BatchId}: {InstanceCount} instance(s) closed into a manifest, {Skipped} partial object(s) left out")]
    private static partial void LogRecovered(ILogger logger, string batchId, int instanceCount, int skipped);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recovering open batches failed; retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
