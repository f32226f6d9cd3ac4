using ImagingGateway.Application.Batches.CloseAssociationBatches;
using ImagingGateway.Application.Commitments.DecideCommitment;
using ImagingGateway.Application.Commitments.ListDueCommitments;
using ImagingGateway.Application.Commitments.RecordCommitmentReport;
using ImagingGateway.Application.Commitments.RequestCommitment;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Application.Imports.GetImportJob;
using ImagingGateway.Application.Instances.GetInstance;
using ImagingGateway.Application.Tests.Imports.CheckImportStatus;
using ImagingGateway.Dicom.Network.Dimse.Commitment;
using ImagingGateway.Domain.Imports;
using Microsoft.Extensions.Logging;

namespace ImagingGateway.Application.Tests.Commitments.RecordCommitmentReport;

/// <summary>
/// A report's delivery: reported once delivered, retried with doubling waits, given up for an unknown peer; a delivered
/// report kept on its instances' records and on the jobs that imported them (issue #26).
/// </summary>
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

    [Fact]
    public async Task GivenAReportDeliveredBeforeTheBatchCloses_WhenTheBatchIsRecorded_ThenTheInstanceShowsTheTransactionAndOutcome()
    {
        await using var host = new TestHost();
        Seed.StoreOne(host, "assoc-open", 1);
        await host.Mediator.Send(new RequestCommitmentCommand("2.25.210", "MODALITY1", "IMAGINGGW", "assoc-open",
            [new ReferencedSop(Seed.CtImageStorage, Seed.SopUid(1)), new ReferencedSop(Seed.CtImageStorage, "1.2.3.404")]));
        Assert.NotNull((await host.Mediator.Send(new DecideCommitmentCommand("2.25.210"))).Report);

        await host.Mediator.Send(new RecordCommitmentReportCommand("2.25.210", true, "same association", null));
        Assert.Null(await host.Mediator.Send(new GetInstanceQuery(Seed.SopUid(1))));
        await host.Mediator.Send(new CloseAssociationBatchesCommand("assoc-open", "released"));

        var instance = (await host.Mediator.Send(new GetInstanceQuery(Seed.SopUid(1))))!;
        Assert.Equal(("2.25.210", "COMMITTED", null, TestHost.Start),
            (instance.Commitment!.TransactionUid, instance.Commitment.Status, instance.Commitment.FailureReason, instance.Commitment.ReportedAt));
        Assert.Equal([Seed.SopUid(1)], host.Index.CommittedInstances);
    }

    [Fact]
    public async Task GivenAnEndedImport_WhenAReportOnItsInstancesIsDelivered_ThenTheJobCountsTheCommittedAndTheInstancesShowTheirOutcome()
    {
        await using var host = new TestHost();
        var state = await CheckImportStatusHandlerTests.PollUntilCompleteAsync(host, await CheckImportStatusHandlerTests.StartedAsync(host, 2));
        await host.Mediator.Send(new RequestCommitmentCommand("2.25.211", "MODALITY1", "IMAGINGGW", "assoc-c",
        [
            new ReferencedSop(Seed.CtImageStorage, Seed.SopUid(1)),
            new ReferencedSop(Seed.CtImageStorage, Seed.SopUid(2)),
            new ReferencedSop(Seed.CtImageStorage, "1.2.3.404"),
        ]));
        await host.Mediator.Send(new DecideCommitmentCommand("2.25.211"));
        host.Time.Advance(TimeSpan.FromSeconds(5));
        var reportedAt = host.Time.GetUtcNow();

        await host.Mediator.Send(new RecordCommitmentReportCommand("2.25.211", true, "new association", null));

        var job = (await host.Mediator.Send(new GetImportJobQuery(state.JobId!)))!;
        var commitment = Assert.Single(job.Commitments);
        Assert.Equal(("2.25.211", 2, 0, reportedAt), (commitment.TransactionUid, commitment.Committed, commitment.Failed, commitment.ReportedAt));
        var instance = (await host.Mediator.Send(new GetInstanceQuery(Seed.SopUid(2))))!;
        Assert.Equal(("2.25.211", "COMMITTED"), (instance.Commitment!.TransactionUid, instance.Commitment.Status));
        Assert.Equal(state.JobId, instance.ImportOutcome!.JobId);
    }

    [Fact]
    public async Task GivenTheIndexFailsToRecordTheCommitment_WhenTheReportIsDelivered_ThenItIsStillReportedAndTheFailureIsLogged()
    {
        await using var host = new TestHost();
        await RequestAsync(host, "2.25.212");
        await host.Mediator.Send(new DecideCommitmentCommand("2.25.212"));
        host.Index.FailNextRecordCommitments = new IOException("disk full");

        var record = await host.Mediator.Send(new RecordCommitmentReportCommand("2.25.212", true, "same association", null));

        Assert.Equal(StorageCommitmentState.Reported, (await host.Commitments.FindAsync("2.25.212", CancellationToken.None))!.State);
        Assert.Equal(StorageCommitmentState.Reported, record.State);
        Assert.Contains(host.Logs.Lines, l => l.Level == LogLevel.Error && l.Message.Contains("2.25.212", StringComparison.Ordinal));
    }
}
