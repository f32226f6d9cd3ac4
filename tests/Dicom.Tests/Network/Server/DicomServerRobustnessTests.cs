using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using CsCheck;
using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Client;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Pdus.Items;
using ImagingGateway.Dicom.Network.Server;
using ImagingGateway.Dicom.Tests.Network.Pdus;
using ImagingGateway.Dicom.Tests.Network.TestSupport;

namespace ImagingGateway.Dicom.Tests.Network.Server;

/// <summary>Hostile and failing peers: the server answers with the right A-ABORT or status and keeps serving.</summary>
public class DicomServerRobustnessTests
{
    private const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";

    [Theory]
    [InlineData("09 00 00000004 00000000", 1)]
    [InlineData("01 00 7fffffff", 6)]
    [InlineData("04 00 00000004 00000000", 2)]
    public async Task GivenBadFirstPdu_WhenSent_ThenServerAbortsWithReasonAndKeepsServing(string hex, byte reason)
    {
        await using var server = TestServer.Start();
        // PS3.8 AA-8: the server sends A-ABORT and waits (ARTIM) for us to close; we close after reading it.
        var reply = await RawExchangeAsync(server.Port, Hex.Parse(hex), stopAfter: 10);
        Assert.Equal(Hex.Parse($"07 00 00000004 0000 02 {reason:x2}"), reply);
        Assert.Equal(DimseStatus.Success, await new DicomClient(new()).EchoAsync("127.0.0.1", server.Port, CancellationToken.None));
    }

    [Fact]
    public async Task GivenSilentClient_WhenArtimExpires_ThenServerClosesTheConnection()
    {
        await using var server = TestServer.Start(options: new DicomServerOptions { Association = new AssociationOptions { ArtimTimeout = TimeSpan.FromMilliseconds(500) } });
        var watch = Stopwatch.StartNew();
        var reply = await RawExchangeAsync(server.Port, []);
        Assert.Empty(reply);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(8));
        await DicomServerDcmtkTests.WaitForAsync(() => server.Server.ActiveAssociations == 0);
    }

    [Fact]
    public async Task GivenFailingSink_WhenStoring_ThenOutOfResourcesAndTheAssociationGoesOn()
    {
        await using var server = TestServer.Start();
        server.Provider.FailWritesAfterBytes = 1000;
        var client = new DicomClient(new DicomClientOptions { Association = new() { MaxPduLength = 4096 } });
        await using var association = await client.ConnectAsync("127.0.0.1", server.Port,
            [new PresentationContextRequestItem(1, CtImageStorage, [NetworkUids.ExplicitVrLittleEndian])], CancellationToken.None);

        var failed = await association.StoreAsync(CtImageStorage, "1.2.3.4", NetworkUids.ExplicitVrLittleEndian, new SyntheticStream(100_000), 100_000, CancellationToken.None);
        Assert.Equal(DimseStatus.OutOfResources, failed);
        Assert.Single(server.Provider.Aborted);
        Assert.Empty(Directory.GetFiles(server.Folder));

        server.Provider.FailWritesAfterBytes = null;
        var stored = await association.StoreAsync(CtImageStorage, "1.2.3.5", NetworkUids.ExplicitVrLittleEndian, new SyntheticStream(100_000), 100_000, CancellationToken.None);
        Assert.Equal(DimseStatus.Success, stored);
        var invalid = await association.StoreAsync(CtImageStorage, "1.2.03.x", NetworkUids.ExplicitVrLittleEndian, new SyntheticStream(10), 10, CancellationToken.None);
        Assert.Equal(DimseStatus.InvalidSopInstance, invalid);
        await association.ReleaseAsync(CancellationToken.None);
        Assert.Single(Directory.GetFiles(server.Folder, "*.dcm"));
    }

    [Fact]
    public async Task GivenSenderAbortsMidInstance_WhenServerNotices_ThenPartialInstanceIsDiscarded()
    {
        await using var server = TestServer.Start();
        var client = new DicomClient(new DicomClientOptions { Association = new() { MaxPduLength = 4096 } });
        var association = await client.ConnectAsync("127.0.0.1", server.Port,
            [new PresentationContextRequestItem(1, CtImageStorage, [NetworkUids.ExplicitVrLittleEndian])], CancellationToken.None);
        await using (association)
        {
            await Assert.ThrowsAsync<IOException>(() => association.StoreAsync(CtImageStorage, "1.2.3.4", NetworkUids.ExplicitVrLittleEndian,
                new SyntheticStream(1_000_000, failAfter: 50_000), 1_000_000, CancellationToken.None));
            await association.AbortAsync();
        }

        await DicomServerDcmtkTests.WaitForAsync(() => server.Provider.AbortedAssociations.Count == 1);
        Assert.Single(server.Provider.Aborted);
        Assert.Empty(server.Provider.Stored);
        Assert.Empty(Directory.GetFiles(server.Folder));
        Assert.True(server.Provider.AbortedAssociations.Single().Abort.ByPeer);
    }

    [Fact]
    public async Task GivenThousandsOfHostilePduStreams_WhenServed_ThenEveryAssociationEndsCleanly()
    {
        var handler = new DicomAssociationHandler(new FolderStoreProvider(Path.GetTempPath()) { DiscardData = true }, new AssociationPolicy(),
            new AssociationOptions { ArtimTimeout = TimeSpan.FromSeconds(5), IdleTimeout = TimeSpan.FromSeconds(5) });
        var streams = Gen.Frequency((3, PduFuzzTests.MutatedPdus), (1, PduFuzzTests.RandomPdus)).Array[1, 4];
        var served = 0;
        await streams.SampleAsync(async pdus =>
        {
            var input = new Pipe();
            var output = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
            // Every stream starts with a valid request, so the hostile PDUs also reach the established state.
            await input.Writer.WriteAsync(PduFixtures.EchoscuAssociateRequest);
            foreach (var pdu in pdus)
            {
                await input.Writer.WriteAsync(pdu);
            }

            await input.Writer.CompleteAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await handler.RunAsync(new DuplexPipe(input.Reader, output.Writer), new TransportInfo("fuzz", null, null), timeout.Token);
            Assert.False(timeout.IsCancellationRequested);
            Interlocked.Increment(ref served);
        }, iter: 3000, threads: 1);

        Assert.Equal(3000, served);
    }

    /// <summary>Connects, sends the bytes, and collects what the server sends until it closes or <paramref name="stopAfter"/> bytes came (10 s at most).</summary>
    internal static async Task<byte[]> RawExchangeAsync(int port, byte[] bytes, int stopAfter = int.MaxValue)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync("127.0.0.1", port);
        if (bytes.Length > 0)
        {
            await socket.SendAsync(bytes);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new MemoryStream();
        var buffer = new byte[4096];
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (n == 0 || received.Length + n >= stopAfter)
            {
                received.Write(buffer, 0, n);
                return received.ToArray();
            }

            received.Write(buffer, 0, n);
        }
    }
}
