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
        await Storescp.RunAsync(["+xa"], async peer =>
        {
            // A data set of odd length (rtplan_truncated.dcm, cut short on purpose; image_dfl.dcm, deflated without a pad
            // byte) breaks PS3.5 7.1's even lengths: storescp +B answers it "Odd Fragment Length" and aborts the
            // association, taking the files after it down too. Every other file must arrive.
            var files = Corpus.Part10Files().Where(f => f.DataSetLength % 2 == 0).ToList();
            var results = await peer.Client.StoreFilesAsync("127.0.0.1", peer.Port, files.Select(f => f.Path), associations: 2, progress: null, CancellationToken.None);

            var notStored = results.Where(r => r.Status != DimseStatus.Success).ToList();
            Assert.True(notStored.Count == 0, $"{notStored.Count} of {files.Count} not stored:\n{string.Join('\n', notStored.Select(r => $"{r.Path}: {r.Status} {r.Error}"))}\n{peer.Log}");
            Assert.Equal(files.Count, results.Count);
            Storescp.ReceivedFiles(peer.Folder);
            Assert.Equal(files.Count, Corpus.AssertReceivedMatchSources(peer.Folder, files));
        });
    }

    [Fact]
    public async Task GivenOurServer_WhenClientSendsCorpusOverFourAssociations_ThenEveryDataSetIsByteIdentical()
    {
        await using var server = TestServer.Start();
        var client = new DicomClient(new DicomClientOptions { CalledAeTitle = "IMAGINGGW", Association = new() { MaxPduLength = 16384 } });
        var files = Corpus.Part10Files();
        var results = await client.StoreFilesAsync("127.0.0.1", server.Port, files.Select(f => f.Path), associations: 4, progress: null, CancellationToken.None);

        var notStored = results.Where(r => r.Status != DimseStatus.Success).ToList();
        Assert.True(notStored.Count == 0, $"{notStored.Count} of {files.Count} not stored:\n{string.Join('\n', notStored.Select(r => $"{r.Path}: {r.Status} {r.Error}"))}");
        Assert.Equal(files.Count, results.Count);
        Assert.Equal(files.Count, Corpus.AssertReceivedMatchSources(server.Folder, files));
        await DicomServerDcmtkTests.WaitForAsync(() => server.Provider.Released.Count == 4);
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
}
