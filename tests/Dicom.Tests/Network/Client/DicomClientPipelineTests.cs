using ImagingGateway.Dicom.Network.Client;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Tests.Network.TestSupport;

namespace ImagingGateway.Dicom.Tests.Network.Client;

/// <summary>Our SCU proposes an asynchronous operations window (PS3.7 D.3.3.3) and pipelines only when it is granted.</summary>
public class DicomClientPipelineTests
{
    [Fact]
    public async Task GivenStorescp_WhenTheClientProposesAWindow_ThenItIsNotGrantedAndEveryFileArrivesOneAtATime()
    {
        await Storescp.RunAsync(["+xa"], async peer =>
        {
            var client = new DicomClient(new DicomClientOptions
            {
                CallingAeTitle = "OURSCU",
                CalledAeTitle = "STORESCP",
                Association = new() { AsyncOperations = new(16, 1) },
            });
            // Odd-length data sets make storescp +B abort (see DicomClientTests), so they are left out.
            var files = Corpus.Part10Files().Where(f => f.DataSetLength % 2 == 0).ToList();
            await using (var association = await client.ConnectAsync("127.0.0.1", peer.Port, DicomClient.ProposeContexts(files.Take(10)), CancellationToken.None))
            {
                Assert.NotNull(association.Request.UserInformation.AsynchronousOperationsWindow);
                Assert.Equal(1, association.Window);
            }

            var results = await client.StoreFilesAsync("127.0.0.1", peer.Port, files.Select(f => f.Path), associations: 1, progress: null, CancellationToken.None);

            var notStored = results.Where(r => r.Status != DimseStatus.Success).ToList();
            Assert.True(notStored.Count == 0, $"{notStored.Count} of {files.Count} not stored:\n{string.Join('\n', notStored.Select(r => $"{r.Path}: {r.Status} {r.Error}"))}\n{peer.Log}");
            Storescp.ReceivedFiles(peer.Folder);
            Assert.Equal(files.Count, Corpus.AssertReceivedMatchSources(peer.Folder, files));
        });
    }
}
