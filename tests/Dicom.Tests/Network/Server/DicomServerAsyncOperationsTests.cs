using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Collections.Concurrent;
using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Client;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Dimse.Store;
using ImagingGateway.Dicom.Network.Pdus;
using ImagingGateway.Dicom.Network.Pdus.Items;
using ImagingGateway.Dicom.Tests.Network.TestSupport;

namespace ImagingGateway.Dicom.Tests.Network.Server;

/// <summary>
/// The asynchronous operations window (PS3.7 D.3.3.3) between our SCU and our SCP: negotiation, C-STOREs completed
/// concurrently and answered out of order, and what an abort mid-pipeline leaves.
/// </summary>
public class DicomServerAsyncOperationsTests
{
    private const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";

    private static readonly PresentationContextRequestItem[] CtContext =
        [new PresentationContextRequestItem(1, CtImageStorage, [NetworkUids.ExplicitVrLittleEndian])];

    [Fact]
    public async Task GivenALimitOf8_WhenTheClientProposes16_ThenTheAcceptGrants8AndTheClientUsesIt()
    {
        await using var server = TestServer.Start(options: new() { Association = new() { AsyncOperations = new(8, 1) } });
        var client = new DicomClient(new DicomClientOptions { Association = new() { AsyncOperations = new(16, 1) } });

        await using var association = await client.ConnectAsync("127.0.0.1", server.Port, CtContext, CancellationToken.None);

        Assert.Equal(new AsynchronousOperationsWindow(16, 1), association.Request.UserInformation.AsynchronousOperationsWindow);
        Assert.Equal(new AsynchronousOperationsWindow(8, 1), association.Accept.UserInformation.AsynchronousOperationsWindow);
        Assert.Equal(8, association.Window);
    }

    [Fact]
    public async Task GivenAClientProposingNoWindow_WhenAccepted_ThenTheAcceptCarriesNoWindowAndOperationsGoOneAtATime()
    {
        await using var server = TestServer.Start(options: new() { Association = new() { AsyncOperations = new(8, 1) } });
        var client = new DicomClient(new DicomClientOptions());

        await using var association = await client.ConnectAsync("127.0.0.1", server.Port, CtContext, CancellationToken.None);

        Assert.Null(association.Request.UserInformation.AsynchronousOperationsWindow);
        Assert.Null(association.Accept.UserInformation.AsynchronousOperationsWindow);
        Assert.Equal(1, association.Window);
    }

    [Fact]
    public async Task GivenTheToolkitDefault_WhenTheClientProposesAWindow_ThenOneAtATimeIsGranted()
    {
        await using var server = TestServer.Start();
        var client = new DicomClient(new DicomClientOptions { Association = new() { AsyncOperations = new(16, 1) } });

        await using var association = await client.ConnectAsync("127.0.0.1", server.Port, CtContext, CancellationToken.None);

        Assert.Equal(new AsynchronousOperationsWindow(1, 1), association.Accept.UserInformation.AsynchronousOperationsWindow);
        Assert.Equal(1, association.Window);
    }

    [Fact]
    public async Task GivenAStoreWithUnevenLatency_WhenTheCorpusIsPipelinedOverOneAssociation_ThenEveryDataSetArrivesByteIdenticalAnsweredOutOfOrder()
    {
        await using var server = TestServer.Start(options: new() { Association = new() { AsyncOperations = new(16, 1), MaxPduLength = 16384 } });
        // Each instance takes 0–30 ms to become durable, so later ones often finish first.
        server.Provider.CompleteDelay = context => TimeSpan.FromMilliseconds((uint)context.SopInstanceUid.GetHashCode() % 31);
        var client = new DicomClient(new DicomClientOptions { Association = new() { AsyncOperations = new(16, 1), MaxPduLength = 16384 } });
        var files = Corpus.Part10Files();
        var reported = new RecordingProgress();

        var results = await client.StoreFilesAsync("127.0.0.1", server.Port, files.Select(f => f.Path), associations: 1, reported, CancellationToken.None);

        var notStored = results.Where(r => r.Status != DimseStatus.Success).ToList();
        Assert.True(notStored.Count == 0, $"{notStored.Count} of {files.Count} not stored:\n{string.Join('\n', notStored.Select(r => $"{r.Path}: {r.Status} {r.Error}"))}");
        Assert.Equal(files.Count, Corpus.AssertReceivedMatchSources(server.Folder, files));
        Assert.InRange(server.Provider.MaxConcurrentCompletions, 2, 16);
        Assert.NotEqual(files.Select(f => f.Path), reported.InOrder.Select(r => r.Path));
        Assert.Equal(files.Select(f => f.Path).Order(), reported.InOrder.Select(r => r.Path).Order());
        await DicomServerDcmtkTests.WaitForAsync(() => server.Provider.Released.Count == 1);
        Assert.Equal(0, server.Provider.CompletingWhenEnded.Single());
    }

    [Fact]
    public async Task GivenAPipelineInFlight_WhenTheClientAborts_ThenEveryAcknowledgedInstanceIsStoredAndTheEndIsReportedAfterTheLastCompletion()
    {
        await using var server = TestServer.Start(options: new() { Association = new() { AsyncOperations = new(8, 1) } });
        server.Provider.CompleteDelay = _ => TimeSpan.FromMilliseconds(150);
        var client = new DicomClient(new DicomClientOptions { Association = new() { AsyncOperations = new(8, 1) } });
        var files = Corpus.Part10Files().Where(f => f.TransferSyntaxUid == NetworkUids.ExplicitVrLittleEndian).ToList();
        Assert.True(files.Count >= 12, $"only {files.Count} corpus files in Explicit VR Little Endian");
        var acknowledged = new ConcurrentQueue<StoreResult>();
        using var stop = new CancellationTokenSource();

        var association = await client.ConnectAsync("127.0.0.1", server.Port, DicomClient.ProposeContexts(files), CancellationToken.None);
        await using (association)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => association.StoreFilesAsync(files, result =>
            {
                acknowledged.Enqueue(result);
                if (acknowledged.Count == 3)
                {
                    stop.Cancel();
                }
            }, stop.Token));
            await association.AbortAsync();
        }

        await DicomServerDcmtkTests.WaitForAsync(() => server.Provider.AbortedAssociations.Count == 1);
        // The provider hears of the end only when no store is still completing, so it never closes before one lands.
        Assert.Equal(0, server.Provider.CompletingWhenEnded.Single());
        Assert.All(acknowledged, r => Assert.Equal(DimseStatus.Success, r.Status));
        var stored = server.Provider.Stored.Select(c => c.SopInstanceUid).ToHashSet();
        Assert.Subset(stored, acknowledged.Select(r => r.SopInstanceUid!).ToHashSet());
        Assert.True(server.Provider.Stored.Count > acknowledged.Count, "the abort came with nothing in flight, so it tested nothing");
        Assert.Equal(server.Provider.Stored.Count, Corpus.AssertReceivedMatchSources(server.Folder, files));
    }

    [Fact]
    public async Task GivenAGrantedWindow_WhenTheNextCommandArrivesBeforeTheDataSetEnded_ThenTheServerAbortsSinceMessagesMustNotInterleave()
    {
        // PS3.8 E.1: no fragment of another message until every fragment of the current one was sent, window or not.
        await using var server = TestServer.Start(options: new() { Association = new() { AsyncOperations = new(8, 1) } });
        var bytes = new ArrayBufferWriter<byte>();
        new AssociateRequestPdu("IMAGINGGW", "RAWSCU", CtContext, new UserInformationItem
        {
            MaximumLength = 16384,
            ImplementationClassUid = "1.2.3.4",
            AsynchronousOperationsWindow = new AsynchronousOperationsWindow(8, 1),
        }).WriteTo(bytes);
        PduWriter.WriteDataTransfer(bytes, 1, isCommand: true, isLast: true, StoreMessages.CreateRequest(1, CtImageStorage, "1.2.3.1").Encode());
        PduWriter.WriteDataTransfer(bytes, 1, isCommand: false, isLast: false, new byte[64]);
        PduWriter.WriteDataTransfer(bytes, 1, isCommand: true, isLast: true, StoreMessages.CreateRequest(2, CtImageStorage, "1.2.3.2").Encode());

        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync("127.0.0.1", server.Port);
        await socket.SendAsync(bytes.WrittenMemory);

        var accept = await ReceivePduAsync(socket);
        var next = await ReceivePduAsync(socket);
        socket.Close();

        Assert.Equal((byte)PduType.AssociateAccept, accept[0]);
        Assert.Equal((byte)PduType.Abort, next[0]);
        await DicomServerDcmtkTests.WaitForAsync(() => server.Provider.AbortedAssociations.Count == 1);
        Assert.Single(server.Provider.Aborted);
        Assert.Empty(server.Provider.Stored);
    }

    private static async Task<byte[]> ReceivePduAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var header = new byte[6];
        await ReceiveExactlyAsync(socket, header, timeout.Token);
        var pdu = new byte[6 + BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(2))];
        header.CopyTo(pdu, 0);
        await ReceiveExactlyAsync(socket, pdu.AsMemory(6), timeout.Token);
        return pdu;
    }

    private static async Task ReceiveExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        for (var at = 0; at < buffer.Length;)
        {
            var n = await socket.ReceiveAsync(buffer[at..], SocketFlags.None, cancellationToken);
            Assert.True(n > 0, "the server closed the connection before a whole PDU");
            at += n;
        }
    }
}
