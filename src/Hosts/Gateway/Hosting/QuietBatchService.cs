using ImagingGateway.Application.Batches.CloseQuietBatches;
using ImagingGateway.Domain.Batches;
using ImagingGateway.Gateway.Configuration;
using Mediator;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Gateway.Hosting;

/// <summary>
/// Closes the batches that coalesce associations (<see cref="GroupingPolicy.PerCallingAeAndStudy"/>) once they are
/// quiet, checking several times per quiet period, and closes every open batch when the gateway stops. Registered
/// after the pipeline's services so that it stops before them, and after Kestrel has drained the associations.
/// </summary>
public sealed partial class QuietBatchService(ISender sender, IOptions<GatewayOptions> options, ILogger<QuietBatchService> logger) : BackgroundService
{
    /// <summary>How often quiet batches are looked for: a fifth of the quiet period, so one closes at most 20% late.</summary>
    public static TimeSpan CheckInterval(TimeSpan quietPeriod) =>
        TimeSpan.FromTicks(Math.Clamp(quietPeriod.Ticks / 5, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(5).Ticks));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batching = options.Value.Batching;
        if (batching.Policy != GroupingPolicy.PerCallingAeAndStudy)
        {
            return;
        }

        using var timer = new PeriodicTimer(CheckInterval(batching.QuietPeriod));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CloseAsync(stopping: false, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await CloseAsync(stopping: true, cancellationToken);
    }

    private async Task CloseAsync(bool stopping, CancellationToken cancellationToken)
    {
        try
        {
            var result = await sender.Send(new CloseQuietBatchesCommand(stopping), cancellationToken);
            foreach (var batch in result.Batches)
            {
                LogClosed(logger, batch.BatchId, batch.InstanceCount, stopping ? CloseQuietBatchesHandler.StoppingReason : CloseQuietBatchesHandler.QuietReason);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // A batch that failed to close stays claimable: the next check, or recovery at the next start, closes it.
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed batch {BatchId} with {InstanceCount} instance(s): {Reason}")]
    private static partial void LogClosed(ILogger logger, string batchId, int instanceCount, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Closing quiet batches failed; retrying at the next check")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
