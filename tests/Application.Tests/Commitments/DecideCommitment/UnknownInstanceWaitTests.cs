using ImagingGateway.Application.Batches.CloseAssociationBatches;
using ImagingGateway.Application.Commitments.DecideCommitment;
using ImagingGateway.Application.Commitments.RequestCommitment;
using ImagingGateway.Application.Common.Options;
using ImagingGateway.Dicom.Network.Dimse.Commitment;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Application.Tests.Commitments.DecideCommitment;

/// <summary>
/// The unknown-instance wait (issue #26): with several Gateway tasks, an instance may be in another task's open batch,
/// indexed only when that batch closes, so it is reported failed with 0x0112 only once UnknownInstanceWait has passed.
/// </summary>
public sealed class UnknownInstanceWaitTests
{
    private const string TransactionUid = "2.25.600";

    /// <summary>Task A holds instance 1 in an open batch; task B, with <paramref name="wait"/>, is asked to commit it.</summary>
    private static async Task RequestFromAnotherTaskAsync(TestHost a, TestHost b, TimeSpan wait)
    {
        b.Get<IOptions<StorageCommitmentOptions>>().Value.UnknownInstanceWait = wait;
        Seed.StoreOne(a, "assoc-1", 1);
        await b.Mediator.Send(new RequestCommitmentCommand(TransactionUid, "MODALITY1", "IMAGINGGW", "assoc-c",
            [new ReferencedSop(Seed.CtImageStorage, Seed.SopUid(1))]));
    }

    [Fact]
    public async Task GivenAnInstanceInAnotherTasksOpenBatch_WhenDecidedWithinTheWait_ThenItStaysUndecidedAndIsCommittedOnceThatBatchCloses()
    {
        await using var a = new TestHost();
        await using var b = new TestHost(anotherTaskOf: a);
        await RequestFromAnotherTaskAsync(a, b, TimeSpan.FromSeconds(90));

        var first = await b.Mediator.Send(new DecideCommitmentCommand(TransactionUid));
        await a.Mediator.Send(new CloseAssociationBatchesCommand("assoc-1", "released"));
        a.Time.Advance(TimeSpan.FromSeconds(10));
        var second = await b.Mediator.Send(new DecideCommitmentCommand(TransactionUid));

        Assert.Null(first.Report);
        Assert.False(Assert.Single(first.Record.Items).Decided);
        Assert.Equal(TestHost.Start.AddSeconds(10), first.Record.NextAttemptAt);
        Assert.Equal([new ReferencedSop(Seed.CtImageStorage, Seed.SopUid(1))], second.Report!.Committed);
        Assert.NotNull(Assert.Single(second.Record.Items).BatchId);
    }

    [Fact]
    public async Task GivenNoWait_WhenAnInstanceIsInAnotherTasksOpenBatch_ThenItIsReportedFailedWith0112AtOnce()
    {
        await using var a = new TestHost();
        await using var b = new TestHost(anotherTaskOf: a);
        await RequestFromAnotherTaskAsync(a, b, TimeSpan.Zero);

        var report = (await b.Mediator.Send(new DecideCommitmentCommand(TransactionUid))).Report!;

        Assert.Equal([new FailedSop(Seed.CtImageStorage, Seed.SopUid(1), 0x0112)], report.Failed);
    }

    [Fact]
    public async Task GivenAnInstanceNoTaskHolds_WhenTheWaitEnds_ThenItIsReportedFailedWith0112WithoutWaitingOutADecisionInterval()
    {
        await using var b = new TestHost();
        b.Get<IOptions<StorageCommitmentOptions>>().Value.UnknownInstanceWait = TimeSpan.FromSeconds(90);
        await b.Mediator.Send(new RequestCommitmentCommand(TransactionUid, "MODALITY1", "IMAGINGGW", "assoc-c",
            [new ReferencedSop(Seed.CtImageStorage, "1.2.3.404")]));

        b.Time.Advance(TimeSpan.FromSeconds(85));
        var waiting = await b.Mediator.Send(new DecideCommitmentCommand(TransactionUid));
        b.Time.Advance(TimeSpan.FromSeconds(5));
        var decided = await b.Mediator.Send(new DecideCommitmentCommand(TransactionUid));

        Assert.Null(waiting.Report);
        Assert.Equal(TestHost.Start.AddSeconds(90), waiting.Record.NextAttemptAt);
        Assert.Equal([new FailedSop(Seed.CtImageStorage, "1.2.3.404", 0x0112)], decided.Report!.Failed);
    }
}
