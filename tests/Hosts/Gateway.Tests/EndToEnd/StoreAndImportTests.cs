using System.Text.Json;
using ImagingGateway.Gateway.Tests.Support;

namespace ImagingGateway.Gateway.Tests.EndToEnd;

/// <summary>The whole local pipeline from DCMTK storescu to a COMPLETED import, through the built executable.</summary>
public sealed class StoreAndImportTests
{
    private static readonly TimeSpan ImportTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task GivenAMultiSeriesStudy_WhenStorescuSendsIt_ThenEachInstanceIsStoredByteIdenticalAndImportedInOneCompletedJob()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 3, instancesPerSeries: 4);
        var dataDirectory = temp.Sub("data");
        await using var gateway = await GatewayProcess.StartAsync(dataDirectory);

        var sent = await Dcmtk.StoreAsync(gateway.Port, study.Select(i => i.Path));

        Assert.True(sent.ExitCode == 0, sent.Output);
        Assert.Equal(study.Count, Dcmtk.AcknowledgedFileIndexes(sent.Output).Count);
        var data = new GatewayData(dataDirectory);
        var jobs = await data.WaitForTerminalJobsAsync(1, ImportTimeout);
        Assert.Equal(study.Count, await gateway.InstancesStoredAsync());

        // Stored: every instance, its data set byte for byte as sent, nothing else visible.
        var files = data.InstanceFiles();
        Assert.Equal(study.Count, files.Count);
        foreach (var instance in study)
        {
            Assert.True(files.TryGetValue(instance.SopInstanceUid, out var stored), $"{instance.SopInstanceUid} not stored");
            Assert.Equal(Part10.DataSetBytes(instance.Path), Part10.DataSetBytes(stored));
        }

        Assert.Empty(data.VisibleNonInstanceFiles());

        // One association, one batch, one job, COMPLETED with every file.
        var job = Assert.Single(jobs);
        Assert.Equal("COMPLETED", job.GetProperty("jobStatus").GetString());
        Assert.Equal(study.Count, job.GetProperty("instanceCount").GetInt32());
        Assert.Equal(study[0].StudyInstanceUid, job.GetProperty("studyInstanceUID").GetString());
        Assert.NotEqual(JsonValueKind.Null, job.GetProperty("endedAt").ValueKind);
        var manifest = Assert.Single(data.BatchManifests());
        Assert.Equal(study.Count, manifest.GetProperty("instances").GetArrayLength());
        var batchId = job.GetProperty("batchId").GetString()!;
        var jobId = job.GetProperty("jobId").GetString()!;
        Assert.Equal(batchId, manifest.GetProperty("batchId").GetString());

        // HealthImaging's output: counts equal what was sent, one image set per series.
        var summary = data.JobSummary(batchId, jobId);
        Assert.Equal(study.Count, summary.GetProperty("numberOfScannedFiles").GetInt32());
        Assert.Equal(study.Count, summary.GetProperty("numberOfImportedFiles").GetInt32());
        Assert.Equal(0, summary.GetProperty("numberOfFilesWithCustomerError").GetInt32());
        Assert.Equal(3, summary.GetProperty("numberOfGeneratedImageSets").GetInt32());
        var successes = data.Successes(batchId, jobId);
        Assert.Equal(study.Count, successes.Count);
        var imageSetsBySeries = successes
            .GroupBy(s => s.GetProperty("seriesInstanceUID").GetString())
            .ToDictionary(g => g.Key!, g => g.Select(s => s.GetProperty("importResponse").GetProperty("imageSetId").GetString()).Distinct().ToList());
        Assert.Equal(study.Select(i => i.SeriesInstanceUid).Distinct().Order(), imageSetsBySeries.Keys.Order());
        Assert.All(imageSetsBySeries.Values, ids => Assert.Single(ids));
        Assert.Equal(3, imageSetsBySeries.Values.Select(ids => ids[0]).Distinct().Count());
        Assert.Empty(data.Failures(batchId, jobId));

        // The JSON API agrees with the CLI.
        var fromApi = await gateway.GetJsonAsync($"/api/jobs/{jobId}");
        Assert.Equal("COMPLETED", fromApi.GetProperty("jobStatus").GetString());
    }

    [Fact]
    public async Task GivenPerInstanceBatching_WhenAStudyIsSent_ThenEachInstanceHasItsOwnCompletedJob()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 2, instancesPerSeries: 2);
        var dataDirectory = temp.Sub("data");
        await using var gateway = await GatewayProcess.StartAsync(dataDirectory, env: new Dictionary<string, string> { ["GATEWAY__BATCHING__POLICY"] = "PerInstance" });

        var sent = await Dcmtk.StoreAsync(gateway.Port, study.Select(i => i.Path));

        Assert.True(sent.ExitCode == 0, sent.Output);
        var data = new GatewayData(dataDirectory);
        var jobs = await data.WaitForTerminalJobsAsync(study.Count, ImportTimeout);
        Assert.Equal(study.Count, jobs.Count);
        Assert.All(jobs, j =>
        {
            Assert.Equal("COMPLETED", j.GetProperty("jobStatus").GetString());
            Assert.Equal(1, j.GetProperty("instanceCount").GetInt32());
        });
        Assert.Equal(study.Select(i => i.SopInstanceUid).Order(), jobs.Select(j => j.GetProperty("sopInstanceUID").GetString()).Order());
    }

    [Fact]
    public async Task GivenTwoStudiesOnTwoParallelAssociations_WhenSent_ThenThereIsOneCompletedJobPerAssociation()
    {
        using var temp = new TempDirectory();
        var first = await TestStudy.WriteAsync(temp.Sub("a"), series: 2, instancesPerSeries: 3, studyIndex: 1);
        var second = await TestStudy.WriteAsync(temp.Sub("b"), series: 1, instancesPerSeries: 5, studyIndex: 2);
        var dataDirectory = temp.Sub("data");
        await using var gateway = await GatewayProcess.StartAsync(dataDirectory);

        var sent = await Task.WhenAll(Dcmtk.StoreAsync(gateway.Port, first.Select(i => i.Path)), Dcmtk.StoreAsync(gateway.Port, second.Select(i => i.Path)));

        Assert.All(sent, s => Assert.True(s.ExitCode == 0, s.Output));
        var jobs = await new GatewayData(dataDirectory).WaitForTerminalJobsAsync(2, ImportTimeout);
        Assert.Equal(2, jobs.Count);
        Assert.All(jobs, j => Assert.Equal("COMPLETED", j.GetProperty("jobStatus").GetString()));
        var byStudy = jobs.ToDictionary(j => j.GetProperty("studyInstanceUID").GetString()!, j => j.GetProperty("instanceCount").GetInt32());
        Assert.Equal(first.Count, byStudy[first[0].StudyInstanceUid]);
        Assert.Equal(second.Count, byStudy[second[0].StudyInstanceUid]);
        Assert.Equal(1, (await new GatewayData(dataDirectory).JobsAsync("COMPLETED")).Count(j => j.GetProperty("studyInstanceUID").GetString() == first[0].StudyInstanceUid));
    }

    [Fact]
    public async Task GivenAStudy_WhenOurSendVerbSendsItWithConcurrency_ThenItReportsEverythingStored()
    {
        using var temp = new TempDirectory();
        var studyDirectory = temp.Sub("study");
        var study = await TestStudy.WriteAsync(studyDirectory, series: 2, instancesPerSeries: 4);
        File.WriteAllText(Path.Combine(studyDirectory, "README.txt"), "not DICOM");
        var dataDirectory = temp.Sub("data");
        await using var gateway = await GatewayProcess.StartAsync(dataDirectory);

        var sent = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.DllPath, "send", "127.0.0.1", gateway.Port.ToString(), studyDirectory, "--concurrency", "2"], TimeSpan.FromMinutes(2));

        Assert.True(sent.ExitCode == 0, sent.Output);
        Assert.Contains($"{study.Count} stored", sent.StdOut, StringComparison.Ordinal);
        Assert.Contains("1 non-DICOM file(s) skipped", sent.StdOut, StringComparison.Ordinal);
        var jobs = await new GatewayData(dataDirectory).WaitForTerminalJobsAsync(2, ImportTimeout);
        Assert.Equal(study.Count, jobs.Sum(j => j.GetProperty("instanceCount").GetInt32()));
    }
}
