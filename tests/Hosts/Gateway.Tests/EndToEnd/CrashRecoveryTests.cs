using System.Text.Json;
using ImagingGateway.Gateway.Tests.Support;

namespace ImagingGateway.Gateway.Tests.EndToEnd;

/// <summary>
/// The gateway is SIGKILLed (no shutdown code runs) and restarted on the same data directory: whatever storescu saw
/// acknowledged is stored and imported, no partial object is visible, and unfinished jobs complete.
/// </summary>
public sealed class CrashRecoveryTests
{
    private static readonly TimeSpan ImportTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task GivenATransferInProgress_WhenTheGatewayIsKilledAndRestarted_ThenEveryAcknowledgedInstanceIsStoredAndImported()
    {
        using var temp = new TempDirectory();
        // 128 KB instances (committed through the store's journal), enough of them that the kill lands mid-transfer.
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 2, instancesPerSeries: 250, rows: 256);
        var dataDirectory = temp.Sub("data");
        var gateway = await GatewayProcess.StartAsync(dataDirectory);
        var storing = Dcmtk.StoreAsync(gateway.Port, study.Select(i => i.Path));

        // Kill once part of the study is acknowledged, while the rest is still on its way.
        var midway = await GatewayProcess.WaitUntilAsync(async () => await gateway.InstancesStoredAsync() >= 10, TimeSpan.FromSeconds(60));
        await gateway.KillAsync();
        var log = (await storing).Output;
        await gateway.DisposeAsync();
        Assert.True(midway, "the transfer never got going: " + log);
        var acknowledged = Dcmtk.AcknowledgedFileIndexes(log).Select(i => study[i]).ToList();
        Assert.InRange(acknowledged.Count, 10, study.Count - 1);

        await using var restarted = await GatewayProcess.StartAsync(dataDirectory);
        var data = new GatewayData(dataDirectory);
        var jobs = await data.WaitForTerminalJobsAsync(1, ImportTimeout);

        // Every acknowledged instance is there byte for byte; whatever else is visible is a whole instance too.
        var files = data.InstanceFiles();
        foreach (var instance in acknowledged)
        {
            Assert.True(files.TryGetValue(instance.SopInstanceUid, out var stored), $"acknowledged {instance.SopInstanceUid} is missing");
            Assert.Equal(Part10.DataSetBytes(instance.Path), Part10.DataSetBytes(stored));
        }

        var bySop = study.ToDictionary(i => i.SopInstanceUid);
        foreach (var (sop, path) in files)
        {
            Assert.Equal(Part10.DataSetBytes(bySop[sop].Path), Part10.DataSetBytes(path));
        }

        Assert.Empty(data.VisibleNonInstanceFiles());
        var job = Assert.Single(jobs);
        Assert.Equal("COMPLETED", job.GetProperty("jobStatus").GetString());
        Assert.Equal(files.Count, job.GetProperty("instanceCount").GetInt32());
        var summary = data.JobSummary(job.GetProperty("batchId").GetString()!, job.GetProperty("jobId").GetString()!);
        Assert.Equal(files.Count, summary.GetProperty("numberOfImportedFiles").GetInt32());
    }

    /// <summary>
    /// Under PerInstance every acknowledgement starts a close in the background, so a kill mid-transfer can land between
    /// an instance's answer and its batch's manifest: the open-batch marker, durable before the answer, brings it back.
    /// </summary>
    [Fact]
    public async Task GivenPerInstanceBatchingAndATransferInProgress_WhenTheGatewayIsKilledAndRestarted_ThenEveryAcknowledgedInstanceIsImported()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 400, rows: 256);
        var dataDirectory = temp.Sub("data");
        var perInstance = new Dictionary<string, string> { ["GATEWAY__BATCHING__POLICY"] = "PerInstance" };
        var gateway = await GatewayProcess.StartAsync(dataDirectory, env: perInstance);
        var storing = Dcmtk.StoreAsync(gateway.Port, study.Select(i => i.Path));

        var midway = await GatewayProcess.WaitUntilAsync(async () => await gateway.InstancesStoredAsync() >= 5, TimeSpan.FromSeconds(60));
        await gateway.KillAsync();
        var log = (await storing).Output;
        await gateway.DisposeAsync();
        Assert.True(midway, "the transfer never got going: " + log);
        var acknowledged = Dcmtk.AcknowledgedFileIndexes(log).Select(i => study[i].SopInstanceUid).ToList();
        Assert.InRange(acknowledged.Count, 5, study.Count - 1);

        await using var restarted = await GatewayProcess.StartAsync(dataDirectory, env: perInstance);
        var data = new GatewayData(dataDirectory);
        IReadOnlyList<JsonElement> jobs = [];
        var imported = await GatewayProcess.WaitUntilAsync(async () =>
        {
            jobs = await data.JobsAsync("COMPLETED");
            var completed = jobs.Select(j => j.GetProperty("sopInstanceUID").GetString()).ToHashSet(StringComparer.Ordinal);
            return acknowledged.All(completed.Contains);
        }, ImportTimeout);

        Assert.True(imported, $"of {acknowledged.Count} acknowledged instances, {jobs.Count} have a COMPLETED job");
        Assert.All(jobs, j => Assert.Equal(1, j.GetProperty("instanceCount").GetInt32()));
    }

    [Fact]
    public async Task GivenAnImportInProgress_WhenTheGatewayIsKilledAndRestarted_ThenTheJobCompletesOnce()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 2, instancesPerSeries: 3);
        var dataDirectory = temp.Sub("data");
        var slowImports = new Dictionary<string, string> { ["GATEWAY__LOCAL__IMAGING__PROCESSINGDELAY"] = "00:10:00" };
        var gateway = await GatewayProcess.StartAsync(dataDirectory, env: slowImports);
        var data = new GatewayData(dataDirectory);
        try
        {
            var sent = await Dcmtk.StoreAsync(gateway.Port, study.Select(i => i.Path));
            Assert.True(sent.ExitCode == 0, sent.Output);
            var running = await GatewayProcess.WaitUntilAsync(async () => (await data.JobsAsync("IN_PROGRESS")).Count + (await data.JobsAsync("SUBMITTED")).Count == 1, TimeSpan.FromSeconds(60));
            Assert.True(running, "no import job started: " + gateway.Log);
            await gateway.KillAsync();
        }
        finally
        {
            await gateway.DisposeAsync();
        }

        await using var restarted = await GatewayProcess.StartAsync(dataDirectory);
        var jobs = await data.WaitForTerminalJobsAsync(1, ImportTimeout);

        var job = Assert.Single(jobs);
        Assert.Equal("COMPLETED", job.GetProperty("jobStatus").GetString());
        Assert.Equal(study.Count, job.GetProperty("instanceCount").GetInt32());
        var summary = data.JobSummary(job.GetProperty("batchId").GetString()!, job.GetProperty("jobId").GetString()!);
        Assert.Equal(study.Count, summary.GetProperty("numberOfImportedFiles").GetInt32());
        Assert.Equal(2, summary.GetProperty("numberOfGeneratedImageSets").GetInt32());
    }
}
