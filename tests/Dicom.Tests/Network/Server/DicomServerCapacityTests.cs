using System.Diagnostics;
using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Client;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Pdus;
using ImagingGateway.Dicom.Network.Pdus.Items;
using ImagingGateway.Dicom.Network.Server;
using ImagingGateway.Dicom.Tests.Network.TestSupport;

namespace ImagingGateway.Dicom.Tests.Network.Server;

/// <summary>
/// Over capacity the server reads the A-ASSOCIATE-RQ and answers A-ASSOCIATE-RJ rejected-transient, service-provider
/// (presentation), local limit exceeded (PS3.8 9.3.4), instead of dropping the connection.
/// </summary>
public class DicomServerCapacityTests
{
    [Fact]
    public async Task GivenServerAtCapacity_WhenOurClientAssociates_ThenTransientLocalLimitRejectionAndLaterAccepted()
    {
        await using var server = TestServer.Start(options: new DicomServerOptions { MaxConcurrentAssociations = 1 });
        var client = new DicomClient(new DicomClientOptions());
        var holder = await HoldAsync(client, server.Port);

        var error = await Assert.ThrowsAsync<DicomNetworkException>(() => client.EchoAsync("127.0.0.1", server.Port, CancellationToken.None));

        Assert.Equal(DicomAssociationHandler.LocalLimitExceeded, error.Rejection);
        Assert.Equal(new AssociateRejectPdu(AssociateRejectResult.RejectedTransient, AssociateRejectSource.ServiceProviderPresentation, AssociateRejectReason.LocalLimitExceeded), error.Rejection);
        Assert.Empty(server.Provider.Released);
        await holder.ReleaseAsync(CancellationToken.None);
        await holder.DisposeAsync();
        await DicomServerDcmtkTests.WaitForAsync(() => server.Server.ActiveAssociations == 0);
        Assert.Equal(DimseStatus.Success, await client.EchoAsync("127.0.0.1", server.Port, CancellationToken.None));
    }

    [Fact]
    public async Task GivenServerAtCapacity_WhenEchoscuAssociates_ThenItReportsLocalLimitExceeded()
    {
        await using var server = TestServer.Start(options: new DicomServerOptions { MaxConcurrentAssociations = 1 });
        var client = new DicomClient(new DicomClientOptions());
        await using var holder = await HoldAsync(client, server.Port);

        var result = await ExternalTool.RunAsync("echoscu", ["-v", "-aec", "IMAGINGGW", "127.0.0.1", server.Port.ToString()], DicomServerDcmtkTests.ToolTimeout);

        Assert.NotEqual(0, result.ExitCode);
        foreach (var expected in new[] { "Result: Rejected Transient", "Source: Service Provider (Presentation Related)", "Reason: Local Limit Exceeded" })
        {
            Assert.True(result.Output.Contains(expected, StringComparison.OrdinalIgnoreCase), $"no \"{expected}\" in: {result}");
        }
    }

    [Fact]
    public async Task GivenServerAtCapacity_WhenSilentClientConnects_ThenClosedAfterArtim()
    {
        await using var server = TestServer.Start(options: new DicomServerOptions
        {
            MaxConcurrentAssociations = 1,
            Association = new AssociationOptions { ArtimTimeout = TimeSpan.FromMilliseconds(500) },
        });
        await using var holder = await HoldAsync(new DicomClient(new DicomClientOptions()), server.Port);
        var watch = Stopwatch.StartNew();

        var reply = await DicomServerRobustnessTests.RawExchangeAsync(server.Port, []);

        Assert.Empty(reply);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(8));
        Assert.True(holder.IsOpen);
        Assert.Equal(DimseStatus.Success, await holder.EchoAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GivenServerAtCapacityAndRejectionsFull_WhenAnotherConnects_ThenClosedWithoutReading()
    {
        await using var server = TestServer.Start(options: new DicomServerOptions
        {
            MaxConcurrentAssociations = 1,
            MaxConcurrentRejections = 1,
            Association = new AssociationOptions { ArtimTimeout = TimeSpan.FromSeconds(8) },
        });
        await using var holder = await HoldAsync(new DicomClient(new DicomClientOptions()), server.Port);
        // A silent connection occupies the one rejection slot for its ARTIM period, once the server has taken it.
        var silent = DicomServerRobustnessTests.RawExchangeAsync(server.Port, []);
        await DicomServerDcmtkTests.WaitForAsync(() => server.Server.OverCapacityConnections == 1);

        var error = await Assert.ThrowsAsync<DicomNetworkException>(() => new DicomClient(new DicomClientOptions()).EchoAsync("127.0.0.1", server.Port, CancellationToken.None));

        // Closed without an answer, while the silent connection still waits out its ARTIM (8 s).
        Assert.Null(error.Rejection);
        Assert.False(silent.IsCompleted);
        Assert.Equal(1, server.Server.OverCapacityConnections);
        Assert.Empty(await silent);
        Assert.Empty(server.Provider.Released);
    }

    private static async Task<DicomClientAssociation> HoldAsync(DicomClient client, int port) =>
        await client.ConnectAsync("127.0.0.1", port,
            [new PresentationContextRequestItem(1, NetworkUids.Verification, [NetworkUids.ImplicitVrLittleEndian])], CancellationToken.None);
}
