using ImagingGateway.Dicom.Network.Client;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Tests.Network.Server;
using ImagingGateway.Dicom.Tests.Network.TestSupport;

namespace ImagingGateway.Dicom.Tests.Network.Client;

/// <summary>Our SCU sends the file bytes verbatim: data sets arrive byte-identical at DCMTK storescp (+B) and at our SCP.</summary>
public class DicomClientTests
{
    [Fact]
    public async Task GivenStorescp_WhenClientSendsCorpusOverTwoAssociations_ThenFilesArriveByteIdentical()
    {
        var folder = Directory.CreateTempSubdirectory("dicom-net-storescp-").FullName;
        var port = FreePort.Next();
        var storescp = ExternalTool.Start("storescp", ["-v", "+B", "+xa", "+uf", "-od", folder, "-aet", "STORESCP", port.ToString()], out var log);
        try
        {
            var client = new DicomClient(new DicomClientOptions { CallingAeTitle = "OURSCU", CalledAeTitle = "STORESCP" });
            await WaitForListenerAsync(client, port);
            var files = Corpus.Part10Files();
            var results = await client.StoreFilesAsync("127.0.0.1", port, files.Select(f => f.Path), associations: 2, CancellationToken.None);

            var stored = results.Where(r => r.Status == DimseStatus.Success).ToList();
            Assert.True(stored.Count >= 30, $"only {stored.Count} of {files.Count} stored:\n{string.Join('\n', results.Where(r => !r.Succeeded).Select(r => $"{r.Path}: {r.Status} {r.Error}"))}\n{log}");
            foreach (var received in Directory.GetFiles(folder))
            {
                File.Move(received, received + ".dcm");
            }

            Assert.Equal(stored.Count, Corpus.AssertReceivedMatchSources(folder, files));
        }
        finally
        {
            ExternalTool.Kill(storescp);
            storescp.Dispose();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task GivenOurServer_WhenClientSendsCorpusOverFourAssociations_ThenEveryDataSetIsByteIdentical()
    {
        await using var server = TestServer.Start();
        var client = new DicomClient(new DicomClientOptions { CalledAeTitle = "IMAGINGGW", Association = new() { MaxPduLength = 16384 } });
        var files = Corpus.Part10Files();
        var results = await client.StoreFilesAsync("127.0.0.1", server.Port, files.Select(f => f.Path), associations: 4, CancellationToken.None);

        var stored = results.Count(r => r.Status == DimseStatus.Success);
        var refused = results.Where(r => r.Status != DimseStatus.Success).ToList();
        Assert.True(stored >= 40, $"only {stored} stored: {string.Join('\n', refused.Select(r => $"{r.Path}: {r.Status} {r.Error}"))}");
        Assert.Equal(stored, Corpus.AssertReceivedMatchSources(server.Folder, files));
        await DicomServerDcmtkTests.WaitForAsync(() => server.Provider.Released.Count == 4);
        // Anything not stored was refused for a stated reason (a non-storage SOP class or an invalid UID), never lost silently.
        Assert.All(refused, r => Assert.True(r.Error is not null || r.Status is { IsFailure: true }));
    }

    [Fact]
    public async Task GivenOurServer_WhenClientEchoes_ThenSuccess()
    {
        await using var server = TestServer.Start();
        var client = new DicomClient(new DicomClientOptions());
        Assert.Equal(DimseStatus.Success, await client.EchoAsync("127.0.0.1", server.Port, CancellationToken.None));
    }

    [Fact]
    public async Task GivenCalledAeCheck_WhenClientCallsWrongAe_ThenRejectionIsReported()
    {
        await using var server = TestServer.Start(new() { AeTitle = "IMAGINGGW", CheckCalledAeTitle = true });
        var client = new DicomClient(new DicomClientOptions { CalledAeTitle = "SOMEONE" });
        var error = await Assert.ThrowsAsync<DicomNetworkException>(() => client.EchoAsync("127.0.0.1", server.Port, CancellationToken.None));
        Assert.Equal(ImagingGateway.Dicom.Network.Pdus.AssociateRejectReason.CalledAeTitleNotRecognized, error.Rejection!.Reason);
    }

    [Fact]
    public async Task GivenProviderThatThrows_WhenAssociating_ThenTransientRejection()
    {
        await using var server = TestServer.Start();
        server.Provider.Decide = _ => throw new InvalidOperationException("store offline");
        var client = new DicomClient(new DicomClientOptions());
        var error = await Assert.ThrowsAsync<DicomNetworkException>(() => client.EchoAsync("127.0.0.1", server.Port, CancellationToken.None));
        Assert.Equal(ImagingGateway.Dicom.Network.Pdus.AssociateRejectResult.RejectedTransient, error.Rejection!.Result);
        server.Provider.Decide = _ => ImagingGateway.Dicom.Network.Associations.AssociationDecision.Accept;
        Assert.Equal(DimseStatus.Success, await client.EchoAsync("127.0.0.1", server.Port, CancellationToken.None));
    }

    private static async Task WaitForListenerAsync(DicomClient client, int port)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await client.EchoAsync("127.0.0.1", port, CancellationToken.None);
                return;
            }
            catch (DicomNetworkException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }
}
