using System.Collections.Concurrent;
using ImagingGateway.Dicom.Network.Client;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Gateway.Tests.Support;

namespace ImagingGateway.Gateway.Tests.Dicom;

/// <summary>
/// The Gateway grants the asynchronous operations window (PS3.7 D.3.3.3, Gateway:MaxAsyncOperations): a pipelining
/// sender's instances arrive whole, and an abort mid-pipeline loses nothing that was acknowledged.
/// </summary>
public sealed class AsyncOperationsTests
{
    private static readonly TimeSpan ImportTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task GivenAStudy_WhenOurSendVerbPipelinesItOverOneAssociation_ThenEachInstanceIsStoredByteIdenticalInOneCompletedJob()
    {
        using var temp = new TempDirectory();
        var studyDirectory = temp.Sub("study");
        var study = await TestStudy.WriteAsync(studyDirectory, series: 2, instancesPerSeries: 20);
        var dataDirectory = temp.Sub("data");
        await using var gateway = await GatewayProcess.StartAsync(dataDirectory);

        var sent = await ProcessRunner.RunAsync("dotnet", [GatewayProcess.DllPath, "send", "127.0.0.1", gateway.Port.ToString(), studyDirectory, "--window", "16"],
            TimeSpan.FromMinutes(2));

        Assert.True(sent.ExitCode == 0, sent.Output);
        Assert.Contains($"{study.Count} stored", sent.StdOut, StringComparison.Ordinal);
        var data = new GatewayData(dataDirectory);
        var job = Assert.Single(await data.WaitForTerminalJobsAsync(1, ImportTimeout));
        Assert.Equal("COMPLETED", job.GetProperty("jobStatus").GetString());
        Assert.Equal(study.Count, job.GetProperty("instanceCount").GetInt32());
        var files = data.InstanceFiles();
        Assert.Equal(study.Count, files.Count);
        foreach (var instance in study)
        {
            Assert.True(files.TryGetValue(instance.SopInstanceUid, out var stored), $"{instance.SopInstanceUid} not stored");
            Assert.Equal(Part10.DataSetBytes(instance.Path), Part10.DataSetBytes(stored));
        }
    }

    [Fact]
    public async Task GivenAPipelineInFlight_WhenTheSenderAborts_ThenEveryAcknowledgedInstanceIsStoredAndImported()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 60);
        var dataDirectory = temp.Sub("data");
        await using var gateway = await GatewayProcess.StartAsync(dataDirectory);
        var files = study.Select(i => Part10FileInfo.Read(i.Path)).ToList();
        var client = new DicomClient(new DicomClientOptions { CalledAeTitle = "IMAGINGGW", Association = new() { AsyncOperations = new(16, 1) } });
        var acknowledged = new ConcurrentQueue<StoreResult>();
        using var stop = new CancellationTokenSource();

        var association = await client.ConnectAsync("127.0.0.1", gateway.Port, DicomClient.ProposeContexts(files), CancellationToken.None);
        await using (association)
        {
            Assert.Equal(16, association.Window);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => association.StoreFilesAsync(files, result =>
            {
                acknowledged.Enqueue(result);
                if (acknowledged.Count == 10)
                {
                    stop.Cancel();
                }
            }, stop.Token));
            await association.AbortAsync();
        }

        Assert.All(acknowledged, r => Assert.Equal(DimseStatus.Success, r.Status));
        var data = new GatewayData(dataDirectory);
        var job = Assert.Single(await data.WaitForTerminalJobsAsync(1, ImportTimeout));
        Assert.Equal("COMPLETED", job.GetProperty("jobStatus").GetString());
        var manifest = Assert.Single(data.BatchManifests());
        var inBatch = manifest.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("sopInstanceUID").GetString()!).ToHashSet();
        Assert.Subset(inBatch, acknowledged.Select(r => r.SopInstanceUid!).ToHashSet());
        Assert.True(inBatch.Count < study.Count, "every instance was stored before the abort, so it tested nothing");
        var stored = data.InstanceFiles();
        foreach (var result in acknowledged)
        {
            Assert.Equal(Part10.DataSetBytes(result.Path), Part10.DataSetBytes(stored[result.SopInstanceUid!]));
        }
    }
}
