using ImagingGateway.Gateway.Tests.Support;

namespace ImagingGateway.Gateway.Tests.EndToEnd;

/// <summary>SIGTERM (how Fargate stops a task): in-flight associations may finish within the grace period, then are aborted; batches are closed.</summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task GivenATransferInProgress_WhenSigtermArrives_ThenTheAssociationFinishesAndItsBatchIsClosedBeforeExit()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 80, rows: 256);
        var dataDirectory = temp.Sub("data");
        await using var gateway = await GatewayProcess.StartAsync(dataDirectory, extraArgs: ["--Gateway:ShutdownGracePeriod=00:01:00"]);
        var storing = Dcmtk.StoreAsync(gateway.Port, study.Select(i => i.Path));
        Assert.True(await GatewayProcess.WaitUntilAsync(async () => await gateway.InstancesStoredAsync() >= 5, TimeSpan.FromSeconds(60)), gateway.Log);

        var exit = gateway.TerminateAsync(TimeSpan.FromSeconds(90));
        var sent = await storing;
        var exitCode = await exit;

        Assert.True(sent.ExitCode == 0, sent.Output);
        Assert.Equal(study.Count, Dcmtk.AcknowledgedFileIndexes(sent.Output).Count);
        Assert.Equal(0, exitCode);
        var data = new GatewayData(dataDirectory);
        var manifest = Assert.Single(data.BatchManifests());
        Assert.Equal(study.Count, manifest.GetProperty("instances").GetArrayLength());
    }

    [Fact]
    public async Task GivenAnAssociationOutlastingTheGracePeriod_WhenSigtermArrives_ThenItIsAbortedAndWhatWasAcknowledgedIsImportedAfterRestart()
    {
        using var temp = new TempDirectory();
        var study = await TestStudy.WriteAsync(temp.Sub("study"), series: 1, instancesPerSeries: 3);
        var dataDirectory = temp.Sub("data");
        var gateway = await GatewayProcess.StartAsync(dataDirectory, extraArgs: ["--Gateway:ShutdownGracePeriod=00:00:02"]);
        var acknowledged = 0;
        try
        {
            // Our SCU holds the association open after storing, like a modality that keeps it for the next study.
            var client = new ImagingGateway.Dicom.Network.Client.DicomClient(new() { CalledAeTitle = "IMAGINGGW" });
            var files = study.Select(i => ImagingGateway.Dicom.Network.Client.Part10FileInfo.Read(i.Path)).ToList();
            await using var association = await client.ConnectAsync("127.0.0.1", gateway.Port, ImagingGateway.Dicom.Network.Client.DicomClient.ProposeContexts(files), CancellationToken.None);
            foreach (var file in files)
            {
                var status = await association.StoreFileAsync(file, CancellationToken.None);
                Assert.True(status.IsSuccess, status.ToString());
                acknowledged++;
            }

            var exitCode = await gateway.TerminateAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(0, exitCode);
            Assert.False(association.IsOpen && await StillAnswersAsync(association));
        }
        finally
        {
            await gateway.DisposeAsync();
        }

        var data = new GatewayData(dataDirectory);
        var manifest = Assert.Single(data.BatchManifests());
        Assert.Equal(acknowledged, manifest.GetProperty("instances").GetArrayLength());

        await using var restarted = await GatewayProcess.StartAsync(dataDirectory);
        var job = Assert.Single(await data.WaitForTerminalJobsAsync(1, TimeSpan.FromSeconds(90)));
        Assert.Equal("COMPLETED", job.GetProperty("jobStatus").GetString());
        Assert.Equal(study.Count, job.GetProperty("instanceCount").GetInt32());
    }

    private static async Task<bool> StillAnswersAsync(ImagingGateway.Dicom.Network.Client.DicomClientAssociation association)
    {
        try
        {
            return (await association.EchoAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token)).IsSuccess;
        }
        catch (Exception e) when (e is ImagingGateway.Dicom.Network.Client.DicomNetworkException or IOException or OperationCanceledException or TimeoutException)
        {
            return false;
        }
    }
}
