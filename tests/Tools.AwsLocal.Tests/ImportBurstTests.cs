using System.Text.Json.Nodes;

namespace ImagingGateway.Tools.AwsLocal.Tests;

/// <summary>
/// Issue #23 item 8: a burst of batches larger than HealthImaging's quotas waits its turn and none ends FAILED. The
/// emulator enforces a start rate and a concurrent-job quota scaled down with the harness's shortened waits: twelve
/// batches at once against 2 starts per second and 3 concurrent jobs, as a thousand against 1 TPS and 100 jobs.
/// </summary>
[Collection(AwsLocalCollection.Name)]
public sealed class ImportBurstTests(AwsLocalRun run) : IAsyncLifetime
{
    private const int Batches = 12;

    public Task InitializeAsync() => run.PostAsync("/medical-imaging/quotas", new JsonObject { ["startTps"] = 2, ["maxConcurrentJobs"] = 3 });

    public Task DisposeAsync() => run.PostAsync("/medical-imaging/reset", []);

    [Fact]
    public async Task GivenABurstAboveTheStartRateAndConcurrentJobQuotas_WhenEveryBatchIsImported_ThenAllCompleteAndNoneFails()
    {
        var known = await run.ExecutionNamesAsync();

        // One association per batch, all at once.
        await Task.WhenAll(Enumerable.Range(0, Batches).Select(_ => run.StoreAsync(TestStudy.Create(run.RunDirectory, 1))));
        var executions = await AwsLocalRun.EventuallyAsync(
            async () =>
            {
                var burst = (await run.ExecutionsAsync()).Where(e => !known.Contains((string)e["name"]!)).ToList();
                return burst.Count == Batches && burst.All(e => (string)e["status"]! != "RUNNING") ? burst : null;
            },
            TimeSpan.FromMinutes(5),
            $"{Batches} executions ended");

        Assert.All(executions, e => Assert.True((string)e["status"]! == "SUCCEEDED", e.ToJsonString()));
        foreach (var execution in executions)
        {
            Assert.Equal("COMPLETED", Assert.Single(await run.JobItemsAsync((string)execution["name"]!))["jobStatus"].S);
        }

        // The quotas did refuse starts, so the burst went through the state machine's Retry, not around it.
        Assert.Contains(executions, e => e.CountEvents("StateRetried", "StartImportJob") > 0);
    }
}
