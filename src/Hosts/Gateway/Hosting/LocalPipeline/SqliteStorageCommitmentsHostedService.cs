using ImagingGateway.Infrastructure.Local.Sqlite;

namespace ImagingGateway.Gateway.Hosting.LocalPipeline;

/// <summary>At start, creates the <c>commitments</c> table, so a broken database shows at start rather than at the first N-ACTION.</summary>
public sealed class SqliteStorageCommitmentsHostedService(SqliteStorageCommitmentRepository commitments) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => commitments.EnsureCreatedAsync();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
