using System.Text.Json;
using ImagingGateway.Gateway.Tests.Support;
using Xunit.Abstractions;

namespace ImagingGateway.Gateway.Tests.EndToEnd;

/// <summary>
/// Senders that open one association per image (issue #27, section 4): with PerCallingAeAndStudy batching, DCMTK
/// storescu run once per file still makes a handful of import jobs, not one per image, and a crash loses nothing.
/// </summary>
public sealed class OneAssociationPerImageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ImportTimeout = TimeSpan.FromSeconds(180);

    /// <summary>Short, so the test waits little after the last image; long enough that storescu's runs never leave a gap that long.</summary>
    private static readonly Dictionary<string, string> Coalescing = new()
    {
        ["GATEWAY__BATCHING__POLICY"] = "PerCallingAeAndStudy",
        ["GATEWAY__BATCHING__QUIETPERIOD"] = "00:00:03",
    };

    [Fact]
    public async Task GivenTwoHundredImagesOfOneStudy_WhenStorescuSendsEachOnItsOwnAssociation_ThenAFewCompletedJobsImportEveryInstance()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 2, instancesPerSeries: 100, rows: 16);
        var dataDirectory = temp.Sub("data");
        await using var gateway = await GatewayProcess.StartAsync(dataDirectory, env: Coalescing);

        foreach (var instance in study)
        {
            var sent = await Dcmtk.StoreAsync(gateway.Port, [instance.Path]);
            Assert.True(sent.ExitCode == 0 && Dcmtk.AcknowledgedFileIndexes(sent.Output).Count == 1, sent.Output);
        }

        var data = new GatewayData(dataDirectory);
        var jobs = await WaitForImportedInstancesAsync(data, study.Count);

        output.WriteLine($"{study.Count} associations of one image each became {jobs.Count} import job(s)");
        Assert.InRange(jobs.Count, 1, 3);
        Assert.All(jobs, j => Assert.Equal("COMPLETED", j.GetProperty("jobStatus").GetString()));
        Assert.Equal(study.Count, jobs.Sum(j => j.GetProperty("instanceCount").GetInt32()));
        var imported = jobs.SelectMany(j => data.Successes(j.GetProperty("batchId").GetString()!, j.GetProperty("jobId").GetString()!))
            .Select(s => s.GetProperty("sopInstanceUID").GetString())
            .ToList();
        Assert.Equal(study.Select(i => i.SopInstanceUid).Order(StringComparer.Ordinal), imported.Order(StringComparer.Ordinal));
        Assert.All(jobs, j => Assert.Empty(data.Failures(j.GetProperty("batchId").GetString()!, j.GetProperty("jobId").GetString()!)));
        Assert.Empty(data.OpenBatchMarkers());
    }

    [Fact]
    public async Task GivenImagesAcknowledgedIntoAnOpenBatch_WhenTheGatewayIsKilledAndRestarted_ThenEveryOneIsImported()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 12, rows: 16);
        var dataDirectory = temp.Sub("data");
        // A quiet period far longer than the test: only recovery can close the batch.
        var neverQuiet = new Dictionary<string, string>(Coalescing) { ["GATEWAY__BATCHING__QUIETPERIOD"] = "01:00:00", ["GATEWAY__BATCHING__RECOVERYQUIETPERIOD"] = "02:00:00" };
        var gateway = await GatewayProcess.StartAsync(dataDirectory, env: neverQuiet);
        try
        {
            foreach (var instance in study)
            {
                var sent = await Dcmtk.StoreAsync(gateway.Port, [instance.Path]);
                Assert.True(sent.ExitCode == 0 && Dcmtk.AcknowledgedFileIndexes(sent.Output).Count == 1, sent.Output);
            }

            Assert.Single(new GatewayData(dataDirectory).OpenBatchMarkers());
            await gateway.KillAsync();
        }
        finally
        {
            await gateway.DisposeAsync();
        }

        await using var restarted = await GatewayProcess.StartAsync(dataDirectory, env: neverQuiet);
        var data = new GatewayData(dataDirectory);
        var job = Assert.Single(await WaitForImportedInstancesAsync(data, study.Count));

        Assert.Equal("COMPLETED", job.GetProperty("jobStatus").GetString());
        var imported = data.Successes(job.GetProperty("batchId").GetString()!, job.GetProperty("jobId").GetString()!)
            .Select(s => s.GetProperty("sopInstanceUID").GetString());
        Assert.Equal(study.Select(i => i.SopInstanceUid).Order(StringComparer.Ordinal), imported.Order(StringComparer.Ordinal));
        Assert.Empty(data.OpenBatchMarkers());
    }

    /// <summary>Waits until every job is terminal and the completed ones hold <paramref name="count"/> instances.</summary>
    private static async Task<IReadOnlyList<JsonElement>> WaitForImportedInstancesAsync(GatewayData data, int count)
    {
        IReadOnlyList<JsonElement> jobs = [];
        var done = await GatewayProcess.WaitUntilAsync(async () =>
        {
            jobs = await data.JobsAsync();
            return jobs.Count > 0
                && jobs.All(j => j.GetProperty("jobStatus").GetString() is "COMPLETED" or "FAILED")
                && jobs.Sum(j => j.GetProperty("instanceCount").GetInt32()) >= count;
        }, ImportTimeout);
        Assert.True(done, $"expected {count} imported instances within {ImportTimeout}; jobs: {string.Join(", ", jobs.Select(j => $"{j.GetProperty("jobStatus").GetString()}/{j.GetProperty("instanceCount")}"))}");
        return jobs;
    }
}
