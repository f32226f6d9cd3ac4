using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Local.Sqlite;
using ImagingGateway.Infrastructure.Local.Tests.TestSupport;
using ImagingGateway.Infrastructure.Local.Workflow;
using ImagingGateway.Tests.Contracts;

namespace ImagingGateway.Infrastructure.Local.Tests.Workflow;

public sealed class InProcessImportWorkflowContractTests : ImportWorkflowContract, IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private readonly InProcessImportWorkflow _workflow;

    public InProcessImportWorkflowContractTests() =>
        _workflow = new InProcessImportWorkflow(new SqliteDatabase(_temp.Combine("gateway.db")), new CompletingSteps(), new InProcessWorkflowOptions { WaitInterval = TimeSpan.FromMilliseconds(30) });

    protected override IImportWorkflow Workflow => _workflow;

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit v2 disposes a test class through IAsyncLifetime; it never calls IAsyncDisposable.DisposeAsync.
    public async Task DisposeAsync()
    {
        await _workflow.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    /// <summary>Steps whose job completes at the first poll, so each execution ends on its own.</summary>
    private sealed class CompletingSteps : IImportWorkflowSteps
    {
        public Task<ImportState> StartImportJobAsync(ImportState state, CancellationToken cancellationToken) =>
            Task.FromResult(state with { JobId = "job-" + state.BatchId, JobStatus = "SUBMITTED" });

        public Task<ImportState> CheckStatusAsync(ImportState state, CancellationToken cancellationToken) =>
            Task.FromResult(state with { JobStatus = "COMPLETED", IsComplete = true });
    }
}
