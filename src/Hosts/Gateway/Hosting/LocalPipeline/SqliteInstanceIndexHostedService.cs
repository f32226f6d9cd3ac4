using ImagingGateway.Infrastructure.Local.Sqlite;

namespace ImagingGateway.Gateway.Hosting.LocalPipeline;

/// <summary>At start, creates the <c>instances</c> table, so a broken database shows at start rather than at the first close.</summary>
public sealed class SqliteInstanceIndexHostedService(SqliteReceivedInstanceIndex index) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => index.EnsureCreatedAsync();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
