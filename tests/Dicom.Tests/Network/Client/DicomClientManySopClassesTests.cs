using System.Collections.Concurrent;
using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Client;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Tests.Network.Server;
using ImagingGateway.Dicom.Tests.Network.TestSupport;

namespace ImagingGateway.Dicom.Tests.Network.Client;

/// <summary>
/// A folder of 130 SOP classes, each Explicit VR Little Endian file proposing two contexts (its syntax and the Implicit
/// VR fallback): 260 contexts, more than one association's 128 (PS3.8 9.3.2.2), so the client opens several associations
/// one after the other and every file still arrives.
/// </summary>
public sealed class DicomClientManySopClassesTests : IDisposable
{
    private const int SopClasses = 130;
    private readonly string _folder = Directory.CreateTempSubdirectory("dicom-net-sop-classes-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Given130SopClasses_WhenSentToOurServerOverTwoAssociations_ThenEveryFileArrivesAndEachResultIsReported()
    {
        var files = DistinctSopClassFiles.Write(_folder, SopClasses);
        await using var server = TestServer.Start(new AssociationPolicy { IsAbstractSyntaxAccepted = _ => true });
        var client = new DicomClient(new DicomClientOptions { CalledAeTitle = "IMAGINGGW" });
        var reported = new ConcurrentQueue<StoreResult>();

        var results = await client.StoreFilesAsync("127.0.0.1", server.Port, files, associations: 2, new SynchronousProgress(reported.Enqueue), CancellationToken.None);

        AssertAllStored(files, results);
        Assert.Equal(results.Select(r => r.Path).Order(), reported.Select(r => r.Path).Order());
        Assert.Equal(files.Sum(f => f.Length), reported.Sum(r => r.Length));
        Assert.Equal(SopClasses, Corpus.AssertReceivedMatchSources(server.Folder, files));
        var associations = StorePartitioner.ByBytes(files, 2).Sum(share => StorePartitioner.ByContexts(share).Count);
        Assert.True(associations > 2, $"{associations} associations: the shares did not need more than one association each");
        await DicomServerDcmtkTests.WaitForAsync(() => server.Provider.Released.Count == associations);
        Assert.All(server.Provider.Released, a => Assert.InRange(a.Request.PresentationContexts.Count, 1, DicomClient.MaxPresentationContexts));
    }

    [Fact]
    public async Task Given130SopClasses_WhenSentToPromiscuousStorescp_ThenEveryFileArrivesByteIdentical()
    {
        var files = DistinctSopClassFiles.Write(_folder, SopClasses);
        await Storescp.RunAsync(["-pm"], async peer =>
        {
            var results = await peer.Client.StoreFilesAsync("127.0.0.1", peer.Port, files, associations: 1, progress: null, CancellationToken.None);

            AssertAllStored(files, results, peer.Log.ToString());
            Assert.Equal(SopClasses, Storescp.ReceivedFiles(peer.Folder).Length);
            Assert.Equal(SopClasses, Corpus.AssertReceivedMatchSources(peer.Folder, files));
        });
    }

    private static void AssertAllStored(List<Part10FileInfo> files, IReadOnlyList<StoreResult> results, string log = "")
    {
        var notStored = results.Where(r => r.Status != DimseStatus.Success).ToList();
        Assert.True(notStored.Count == 0, $"{notStored.Count} of {files.Count} not stored:\n{string.Join('\n', notStored.Select(r => $"{r.Path}: {r.Status} {r.Error}"))}\n{log}");
        Assert.Equal(files.Select(f => f.Path).Order(), results.Select(r => r.Path).Order());
    }

    /// <summary>Reports on the sender's thread (<see cref="Progress{T}"/> would post to the thread pool, after the send returned).</summary>
    private sealed class SynchronousProgress(Action<StoreResult> report) : IProgress<StoreResult>
    {
        public void Report(StoreResult value) => report(value);
    }
}
