using ImagingGateway.Application.Batches.CloseAssociationBatches;
using ImagingGateway.Application.Commitments.DecideCommitment;
using ImagingGateway.Application.Commitments.GetCommitment;
using ImagingGateway.Application.Commitments.ListDueCommitments;
using ImagingGateway.Application.Commitments.RequestCommitment;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Dicom.Network.Dimse.Commitment;

namespace ImagingGateway.Application.Tests.Commitments.DecideCommitment;

/// <summary>The Durable policy (issue #26): committed when stored durably, 0x0112 when never received, 0x0119 on a class conflict.</summary>
public sealed class DecideCommitmentHandlerTests
{
    private const string MrImage = "1.2.840.10008.5.1.4.1.1.4";

    private static RequestCommitmentCommand Request(string transactionUid, params ReferencedSop[] references) =>
        new(transactionUid, "MODALITY1", "IMAGINGGW", "assoc-c", references);

    [Fact]
    public async Task GivenInstancesIndexedHeldUnknownAndOfAnotherClass_WhenDecided_ThenEachGetsItsOutcome()
    {
        await using var host = new TestHost();
        Seed.StoreOne(host, "assoc-1", 1);
        await host.Mediator.Send(new CloseAssociationBatchesCommand("assoc-1", "released"));
        Seed.StoreOne(host, "assoc-2", 2);
        await host.Mediator.Send(Request("2.25.100",
            new ReferencedSop(Seed.CtImageStorage, Seed.SopUid(1)),
            new ReferencedSop(Seed.CtImageStorage, Seed.SopUid(2)),
            new ReferencedSop(Seed.CtImageStorage, "1.2.3.404"),
            new ReferencedSop(MrImage, Seed.SopUid(1))));

        var decided = await host.Mediator.Send(new DecideCommitmentCommand("2.25.100"));

        var report = decided.Report!;
        Assert.Equal(2, report.EventTypeId);
        Assert.Equal([new ReferencedSop(Seed.CtImageStorage, Seed.SopUid(1)), new ReferencedSop(Seed.CtImageStorage, Seed.SopUid(2))], report.Committed);
        Assert.Equal([new FailedSop(Seed.CtImageStorage, "1.2.3.404", 0x0112), new FailedSop(MrImage, Seed.SopUid(1), 0x0119)], report.Failed);
        var shown = await host.Mediator.Send(new GetCommitmentQuery("2.25.100"));
        Assert.Equal(2, shown!.Committed);
        Assert.Equal(2, shown.Failed);
        Assert.Equal(["COMMITTED", "COMMITTED", "FAILED", "FAILED"], shown.Instances.Select(i => i.Status));
        Assert.Equal("0x0112", shown.Instances[2].FailureReason);
        Assert.NotNull(shown.Instances[0].BatchId);
    }

    [Fact]
    public async Task GivenARepeatedTransactionUid_WhenRequestedAgain_ThenTheFirstRequestIsKept()
    {
        await using var host = new TestHost();
        await host.Mediator.Send(Request("2.25.101", new ReferencedSop(Seed.CtImageStorage, Seed.SopUid(1))));

        var again = await host.Mediator.Send(Request("2.25.101", new ReferencedSop(Seed.CtImageStorage, Seed.SopUid(9))));

        Assert.False(again.IsNew);
        Assert.Equal(Seed.SopUid(1), Assert.Single(again.Record.Items).SopInstanceUid);
        Assert.Equal(["2.25.101"], (await host.Mediator.Send(new ListDueCommitmentsQuery(10))).Select(d => d.TransactionUid));
    }

    [Fact]
    public async Task GivenAnInvalidTransactionUid_WhenRequested_ThenValidationNamesTheField()
    {
        await using var host = new TestHost();

        var error = await Assert.ThrowsAsync<RequestValidationException>(async () =>
            await host.Mediator.Send(Request("not a uid", new ReferencedSop(Seed.CtImageStorage, Seed.SopUid(1)))));

        Assert.Contains("TransactionUid", error.Message, StringComparison.Ordinal);
        Assert.Null(await host.Commitments.FindAsync("not a uid", CancellationToken.None));
    }

    [Fact]
    public async Task GivenAnUnknownTransaction_WhenDecided_ThenNotFound()
    {
        await using var host = new TestHost();

        await Assert.ThrowsAsync<NotFoundException>(async () => await host.Mediator.Send(new DecideCommitmentCommand("2.25.404")));
    }
}
