using ImagingGateway.Application.Batches.CloseAssociationBatches;
using ImagingGateway.Application.Commitments.DecideCommitment;
using ImagingGateway.Application.Commitments.ListDueCommitments;
using ImagingGateway.Application.Commitments.RequestCommitment;
using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Dicom.Network.Dimse.Commitment;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Application.Tests.Commitments.DecideCommitment;

/// <summary>The Imported policy (issue #26): committed once imported, 0x0110 when the import failed or never ended, undecided meanwhile.</summary>
public sealed class ImportedPolicyTests
{
    private static async Task<TestHost> HostWithClosedBatchAsync(int instances)
    {
        var host = new TestHost();
        host.Get<IOptions<StorageCommitmentOptions>>().Value.Policy = StorageCommitmentPolicy.Imported;
        for (var n = 1; n <= instances; n++)
        {
            Seed.StoreOne(host, "assoc-i", n);
        }

        await host.Mediator.Send(new CloseAssociationBatchesCommand("assoc-i", "released"));
        await host.Mediator.Send(new RequestCommitmentCommand("2.25.300", "MODALITY1", "IMAGINGGW", "assoc-c",
            [.. Enumerable.Range(1, instances).Select(n => new ReferencedSop(Seed.CtImageStorage, Seed.SopUid(n)))]));
        return host;
    }

    private static async Task RecordOutcomeAsync(TestHost host, int n, InstanceImportStatus status)
    {
        var record = await host.Index.FindAsync(Seed.SopUid(n), CancellationToken.None);
        await host.Index.RecordOutcomesAsync([new InstanceImportOutcome(Seed.SopUid(n), record!.BatchId, "job-1", status,
            status == InstanceImportStatus.Imported ? "imageset-1" : null, null, status == InstanceImportStatus.Failed ? "rejected" : null, host.Time.GetUtcNow())],
            CancellationToken.None);
    }

    [Fact]
    public async Task GivenAnImportStillRunning_WhenDecided_ThenNoReportYetAndTheRequestComesBackAfterTheDecisionInterval()
    {
        await using var host = await HostWithClosedBatchAsync(2);
        await RecordOutcomeAsync(host, 1, InstanceImportStatus.Imported);

        var decided = await host.Mediator.Send(new DecideCommitmentCommand("2.25.300"));

        Assert.Null(decided.Report);
        Assert.Equal([true, false], decided.Record.Items.Select(i => i.Decided));
        Assert.Empty(await host.Mediator.Send(new ListDueCommitmentsQuery(10)));
        host.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(["2.25.300"], (await host.Mediator.Send(new ListDueCommitmentsQuery(10))).Select(d => d.TransactionUid));
    }

    [Fact]
    public async Task GivenOneImportedAndOneRejected_WhenDecided_ThenTheRejectedIsReportedFailedWith0110()
    {
        await using var host = await HostWithClosedBatchAsync(2);
        await RecordOutcomeAsync(host, 1, InstanceImportStatus.Imported);
        await RecordOutcomeAsync(host, 2, InstanceImportStatus.Failed);

        var report = (await host.Mediator.Send(new DecideCommitmentCommand("2.25.300"))).Report!;

        Assert.Equal([new ReferencedSop(Seed.CtImageStorage, Seed.SopUid(1))], report.Committed);
        Assert.Equal([new FailedSop(Seed.CtImageStorage, Seed.SopUid(2), 0x0110)], report.Failed);
    }

    [Fact]
    public async Task GivenNoOutcomeWithinMaxImportWait_WhenDecided_ThenTheInstanceIsReportedFailedWith0110()
    {
        await using var host = await HostWithClosedBatchAsync(1);
        host.Time.Advance(TimeSpan.FromHours(24));

        var report = (await host.Mediator.Send(new DecideCommitmentCommand("2.25.300"))).Report!;

        Assert.Empty(report.Committed);
        Assert.Equal([new FailedSop(Seed.CtImageStorage, Seed.SopUid(1), 0x0110)], report.Failed);
    }
}
