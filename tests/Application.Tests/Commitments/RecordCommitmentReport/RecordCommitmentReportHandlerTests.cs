using ImagingGateway.Application.Commitments.ListDueCommitments;
using ImagingGateway.Application.Commitments.RecordCommitmentReport;
using ImagingGateway.Application.Commitments.RequestCommitment;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Dicom.Network.Dimse.Commitment;

namespace ImagingGateway.Application.Tests.Commitments.RecordCommitmentReport;

/// <summary>A report's delivery: reported once delivered, retried with doubling waits, given up for an unknown peer (issue #26).</summary>
public sealed class RecordCommitmentReportHandlerTests
{
    private static async Task RequestAsync(TestHost host, string transactionUid) =>
        await host.Mediator.Send(new RequestCommitmentCommand(transactionUid, "MODALITY1", "IMAGINGGW", "assoc-r",
            [new ReferencedSop(Seed.CtImageStorage, Seed.SopUid(1))]));

    [Fact]
    public async Task GivenAFailedAttempt_WhenRecorded_ThenTheNextIsDueAfterTheRetryIntervalDoubledPerAttempt()
    {
        await using var host = new TestHost();
        await RequestAsync(host, "2.25.200");

        var first = await host.Mediator.Send(new RecordCommitmentReportCommand("2.25.200", false, null, "connection refused"));
        var second = await host.Mediator.Send(new RecordCommitmentReportCommand("2.25.200", false, null, "connection refused"));

        Assert.Equal(StorageCommitmentState.Pending, second.State);
        Assert.Equal(TestHost.Start.AddSeconds(30), first.NextAttemptAt);
        Assert.Equal(TestHost.Start.AddSeconds(60), second.NextAttemptAt);
        Assert.Empty(await host.Mediator.Send(new ListDueCommitmentsQuery(10)));
        host.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(["2.25.200"], (await host.Mediator.Send(new ListDueCommitmentsQuery(10))).Select(d => d.TransactionUid));
    }

    [Fact]
    public async Task GivenADeliveredReport_WhenRecorded_ThenItIsReportedAndNoLongerDue()
    {
        await using var host = new TestHost();
        await RequestAsync(host, "2.25.201");

        var record = await host.Mediator.Send(new RecordCommitmentReportCommand("2.25.201", true, "same association", null));

        Assert.Equal(StorageCommitmentState.Reported, record.State);
        Assert.Equal("same association", record.ReportedVia);
        Assert.Equal(TestHost.Start, record.ReportedAt);
        Assert.Empty(await host.Mediator.Send(new ListDueCommitmentsQuery(10)));
    }

    [Fact]
    public async Task GivenAnUnknownPeer_WhenTheAttemptGivesUp_ThenItIsUndeliverableWithTheReason()
    {
        await using var host = new TestHost();
        await RequestAsync(host, "2.25.202");

        var record = await host.Mediator.Send(new RecordCommitmentReportCommand("2.25.202", false, null, "MODALITY1 is not a known peer", GiveUp: true));

        Assert.Equal(StorageCommitmentState.Undeliverable, record.State);
        Assert.Equal("MODALITY1 is not a known peer", record.LastError);
        Assert.Empty(await host.Mediator.Send(new ListDueCommitmentsQuery(10)));
    }
}
