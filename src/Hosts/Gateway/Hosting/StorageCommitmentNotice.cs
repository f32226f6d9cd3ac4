using ImagingGateway.Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Gateway.Hosting;

/// <summary>Says at start, once, why storage commitment is not offered when it is enabled but the adapters rule it out.</summary>
public sealed partial class StorageCommitmentNotice(IOptions<GatewayOptions> options, ILogger<StorageCommitmentNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.StorageCommitment.Enabled && !settings.StorageCommitment.IsOffered(settings.Adapters, settings.Aws))
        {
            LogNotOffered(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage commitment (1.2.840.10008.1.20.1) is not offered: with S3 storage its pending requests are kept in the DynamoDB table Gateway:Aws:CommitmentTable, which is not set, so its presentation contexts are refused (README, Storage commitment)")]
    private static partial void LogNotOffered(ILogger logger);
}
