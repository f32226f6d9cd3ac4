using System.Net;
using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Client;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Dimse.Commitment;
using ImagingGateway.Dicom.Network.Pdus.Items;
using ImagingGateway.Dicom.Network.Server;
using ImagingGateway.Dicom.Tests.Network.TestSupport;

namespace ImagingGateway.Dicom.Tests.Network.Server;

/// <summary>Storage commitment over our SCP and SCU: N-ACTION answered, N-EVENT-REPORT on the same association (PS3.4 J.3).</summary>
public class StorageCommitmentScpTests
{
    private const string CtImage = "1.2.840.10008.5.1.4.1.1.2";

    private static readonly PresentationContextRequestItem[] Contexts =
        [new(1, NetworkUids.StorageCommitmentPushModel, [NetworkUids.ExplicitVrLittleEndian, NetworkUids.ImplicitVrLittleEndian])];

    private static async Task<(DicomServer Server, CommitmentProvider Provider)> StartAsync()
    {
        var provider = new CommitmentProvider();
        provider.Known.Add("1.2.3.1");
        var policy = new AssociationPolicy { IsAbstractSyntaxAccepted = uid => uid == NetworkUids.StorageCommitmentPushModel };
        var server = new DicomServer(new DicomServerOptions { BindAddress = IPAddress.Loopback, Port = 0 }, provider, policy);
        server.Start();
        await Task.Yield();
        return (server, provider);
    }

    [Fact]
    public async Task GivenKnownAndUnknownInstances_WhenCommitmentIsRequested_ThenReportOnSameAssociationCommitsOneAndFailsOtherWith0112()
    {
        var (server, provider) = await StartAsync();
        await using var _ = server;
        var client = new DicomClient(new DicomClientOptions { CalledAeTitle = "IMAGINGGW" });
        await using var association = await client.ConnectAsync("127.0.0.1", server.LocalEndPoint.Port, Contexts,
            [new RoleSelectionItem(NetworkUids.StorageCommitmentPushModel, ScuRole: true, ScpRole: false)], CancellationToken.None);

        var status = await association.RequestStorageCommitmentAsync(
            new StorageCommitmentRequest("2.25.42", [new ReferencedSop(CtImage, "1.2.3.1"), new ReferencedSop(CtImage, "1.2.3.9")]), CancellationToken.None);
        var result = await association.WaitForStorageCommitmentResultAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        await association.ReleaseAsync(CancellationToken.None);

        Assert.Equal(DimseStatus.Success, status);
        Assert.Equal(new RoleSelectionItem(NetworkUids.StorageCommitmentPushModel, ScuRole: true, ScpRole: false), Assert.Single(association.Accept.UserInformation.RoleSelections));
        Assert.Equal("2.25.42", result.TransactionUid);
        Assert.Equal(new ReferencedSop(CtImage, "1.2.3.1"), Assert.Single(result.Committed));
        Assert.Equal(new FailedSop(CtImage, "1.2.3.9", StorageCommitmentFailureReason.NoSuchObjectInstance), Assert.Single(result.Failed));
        await DicomServerDcmtkTests.WaitForAsync(() => !provider.ReportStatuses.IsEmpty);
        Assert.Equal(DimseStatus.Success, Assert.Single(provider.ReportStatuses));
    }

    [Fact]
    public async Task GivenRequesterReleasesAtOnce_WhenReportIsSentLater_ThenChannelSaysTheAssociationIsGone()
    {
        var (server, provider) = await StartAsync();
        await using var _ = server;
        provider.ReportDelay = TimeSpan.FromMilliseconds(500);
        var client = new DicomClient(new DicomClientOptions { CalledAeTitle = "IMAGINGGW" });
        await using (var association = await client.ConnectAsync("127.0.0.1", server.LocalEndPoint.Port, Contexts, CancellationToken.None))
        {
            Assert.Equal(DimseStatus.Success, await association.RequestStorageCommitmentAsync(
                new StorageCommitmentRequest("2.25.43", [new ReferencedSop(CtImage, "1.2.3.1")]), CancellationToken.None));
            await association.ReleaseAsync(CancellationToken.None);
        }

        await DicomServerDcmtkTests.WaitForAsync(() => !provider.ReportStatuses.IsEmpty);
        Assert.Null(Assert.Single(provider.ReportStatuses));
    }

    [Fact]
    public async Task GivenMalformedDataSet_WhenNActionArrives_ThenMissingAttributeIsAnswered()
    {
        var (server, provider) = await StartAsync();
        await using var _ = server;
        var client = new DicomClient(new DicomClientOptions { CalledAeTitle = "IMAGINGGW" });
        await using var association = await client.ConnectAsync("127.0.0.1", server.LocalEndPoint.Port, Contexts, CancellationToken.None);

        var status = await association.RequestStorageCommitmentAsync(new StorageCommitmentRequest("", [new ReferencedSop(CtImage, "1.2.3.1")]), CancellationToken.None);

        Assert.Equal(DimseStatus.MissingAttribute, status);
        Assert.Empty(provider.Requests);
    }
}
