using ImagingGateway.Application.Batches.CloseAssociationBatches;
using ImagingGateway.Application.Commitments.ClaimCommitment;
using ImagingGateway.Application.Commitments.DecideCommitment;
using ImagingGateway.Application.Commitments.ListDueCommitments;
using ImagingGateway.Application.Commitments.RecordCommitmentReport;
using ImagingGateway.Application.Commitments.RequestCommitment;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Dicom.Network.Dimse.Commitment;

namespace ImagingGateway.Application.Tests.Commitments.ClaimCommitment;

/// <summary>
/// Two Gateway tasks sharing one commitment repository (issue #26, "the report is sent whichever task holds the
/// answer"): each due request is claimed before it is worked, so one task sends its report, and a task that dies
/// holding a claim leaves the request due again when the lease ends.
/// </summary>
public sealed class ClaimCommitmentHandlerTests
{
    private const string TransactionUid = "2.25.400";

    /// <summary>Task A with one closed batch and a pending request for its instance.</summary>
    private static async Task RequestAsync(TestHost a)
    {
        Seed.StoreOne(a, "assoc-1", 1);
        await a.Mediator.Send(new CloseAssociationBatchesCommand("assoc-1", "released"));
        await a.Mediator.Send(new RequestCommitmentCommand(TransactionUid, "MODALITY1", "IMAGINGGW", "assoc-c",
            [new ReferencedSop(Seed.CtImageStorage, Seed.SopUid(1))]));
    }

    /// <summary>What CommitmentReporter does with a request it claimed, the delivery itself standing in as succeeded.</summary>
    private static async Task<StorageCommitmentResult> WorkAsync(TestHost task, string transactionUid)
    {
        var report = (await task.Mediator.Send(new DecideCommitmentCommand(transactionUid))).Report!;
        await task.Mediator.Send(new RecordCommitmentReportCommand(transactionUid, true, "new association", null));
        return report;
    }

    private static ClaimCommitmentCommand Claim(DueCommitment due) => new(due.TransactionUid, due.NextAttemptAt);

    [Fact]
    public async Task GivenTwoTasksThatListedTheSameDueRequest_WhenBothClaimIt_ThenOneWinsAndSendsTheOnlyReport()
    {
        await using var a = new TestHost();
        await using var b = new TestHost(anotherTaskOf: a);
        await RequestAsync(a);
        var listedByA = Assert.Single(await a.Mediator.Send(new ListDueCommitmentsQuery(10)));
        var listedByB = Assert.Single(await b.Mediator.Send(new ListDueCommitmentsQuery(10)));

        var claimedByA = await a.Mediator.Send(Claim(listedByA));
        var claimedByB = await b.Mediator.Send(Claim(listedByB));

        Assert.True(claimedByA);
        Assert.False(claimedByB);
        var report = await WorkAsync(a, TransactionUid);
        Assert.Equal([new ReferencedSop(Seed.CtImageStorage, Seed.SopUid(1))], report.Committed);
        a.Time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await b.Mediator.Send(new ListDueCommitmentsQuery(10)));
        var record = await b.Commitments.FindAsync(TransactionUid, CancellationToken.None);
        Assert.Equal(StorageCommitmentState.Reported, record!.State);
        Assert.Equal(1, record.Attempts);
    }

    [Fact]
    public async Task GivenATaskThatClaimedARequestAndDied_WhenTheClaimLeaseEnds_ThenAnotherTaskClaimsAndReportsIt()
    {
        await using var a = new TestHost();
        await using var b = new TestHost(anotherTaskOf: a);
        await RequestAsync(a);
        Assert.True(await a.Mediator.Send(Claim(Assert.Single(await a.Mediator.Send(new ListDueCommitmentsQuery(10))))));

        a.Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        var beforeTheLeaseEnds = await b.Mediator.Send(new ListDueCommitmentsQuery(10));
        a.Time.Advance(TimeSpan.FromSeconds(1));
        var afterIt = Assert.Single(await b.Mediator.Send(new ListDueCommitmentsQuery(10)));

        Assert.Empty(beforeTheLeaseEnds);
        Assert.Equal(TestHost.Start.AddMinutes(5), afterIt.NextAttemptAt);
        Assert.True(await b.Mediator.Send(Claim(afterIt)));
        Assert.Single((await WorkAsync(b, TransactionUid)).Committed);
        Assert.Equal(StorageCommitmentState.Reported, (await b.Commitments.FindAsync(TransactionUid, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task GivenARequestAnotherTaskReportedSinceItWasListed_WhenClaimed_ThenTheClaimIsRefused()
    {
        await using var a = new TestHost();
        await using var b = new TestHost(anotherTaskOf: a);
        await RequestAsync(a);
        var stale = Assert.Single(await a.Mediator.Send(new ListDueCommitmentsQuery(10)));
        Assert.True(await b.Mediator.Send(Claim(Assert.Single(await b.Mediator.Send(new ListDueCommitmentsQuery(10))))));
        await WorkAsync(b, TransactionUid);

        var claimed = await a.Mediator.Send(Claim(stale));

        Assert.False(claimed);
        Assert.Equal(1, (await a.Commitments.FindAsync(TransactionUid, CancellationToken.None))!.Attempts);
    }
}
