using ImagingGateway.Application.Common.Ports;

namespace ImagingGateway.Tests.Contracts;

/// <summary>
/// What every <see cref="IReceivedInstanceIndex"/> promises, run against each adapter: one record per SOP instance
/// that reads back whole, the latest received wins whatever order batches are recorded in, a study lists oldest
/// received first within the limit, an import outcome is kept for the receipt (batch) it names only, idempotently, and
/// the latest storage commitment on a SOP instance is kept even when it is delivered before the instance is recorded.
/// </summary>
public abstract class ReceivedInstanceIndexContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 28, 5, 0, 0, TimeSpan.Zero);
    private const string Study = "1.2.826.0.1.3680043.8.498.1";
    private const string BatchA = "01JDQ5ZJ3K8X9F7N2B4C6D8E0G";
    private const string BatchB = "01JDQ60000000000000000000B";

    /// <summary>An empty index of the adapter under test.</summary>
    protected abstract Task<IReceivedInstanceIndex> CreateIndexAsync();

    [Fact]
    public async Task GivenARecordedBatch_WhenAnInstanceIsFound_ThenEveryFieldReadsBackAndAnUnknownOneIsNull()
    {
        var index = await CreateIndexAsync();
        var full = Record(1, BatchA, T0);
        var sparse = Record(2, BatchA, T0.AddSeconds(1)) with { StudyDate = null, Checksum = null, CallingAeTitle = null, CalledAeTitle = null };

        await index.RecordAsync([full, sparse], CancellationToken.None);

        Assert.Equal(full, await index.FindAsync(full.SopInstanceUid, CancellationToken.None));
        Assert.Equal(sparse, await index.FindAsync(sparse.SopInstanceUid, CancellationToken.None));
        Assert.Null(await index.FindAsync("1.2.3.999", CancellationToken.None));
    }

    [Fact]
    public async Task GivenAnInstanceReceivedAgainLater_WhenTheOlderBatchIsRecordedAgain_ThenTheLatestStays()
    {
        var index = await CreateIndexAsync();
        var older = Record(1, BatchA, T0) with { Size = 10 };
        var newer = Record(1, BatchB, T0.AddMinutes(5)) with { Size = 30 };

        await index.RecordAsync([older], CancellationToken.None);
        await index.RecordAsync([newer], CancellationToken.None);
        await index.RecordAsync([older], CancellationToken.None);

        Assert.Equal(newer, await index.FindAsync(older.SopInstanceUid, CancellationToken.None));
    }

    [Fact]
    public async Task GivenInstancesOfTwoStudies_WhenAStudyIsListed_ThenOnlyItsInstancesOldestFirstWithinTheLimit()
    {
        var index = await CreateIndexAsync();
        await index.RecordAsync(
            [
                Record(3, BatchA, T0.AddSeconds(3)),
                Record(1, BatchA, T0.AddSeconds(1)),
                Record(9, BatchA, T0) with { StudyInstanceUid = "1.2.3.4", BatchStudyInstanceUid = "1.2.3.4" },
                Record(2, BatchA, T0.AddSeconds(2)),
            ],
            CancellationToken.None);

        var firstTwo = await index.ListByStudyAsync(Study, 2, CancellationToken.None);
        var all = await index.ListByStudyAsync(Study, 100, CancellationToken.None);

        Assert.Equal([Sop(1), Sop(2)], firstTwo.Select(r => r.SopInstanceUid));
        Assert.Equal([Sop(1), Sop(2), Sop(3)], all.Select(r => r.SopInstanceUid));
        Assert.Empty(await index.ListByStudyAsync("1.2.3.5", 10, CancellationToken.None));
    }

    [Fact]
    public async Task GivenRecordedInstances_WhenAJobsOutcomesAreRecorded_ThenFindAndListCarryThemAndAnUnknownInstanceIsIgnored()
    {
        var index = await CreateIndexAsync();
        await index.RecordAsync([Record(1, BatchA, T0), Record(2, BatchA, T0.AddSeconds(1)), Record(3, BatchA, T0.AddSeconds(2))], CancellationToken.None);
        var imported = Imported(1, BatchA, T0.AddMinutes(3));
        var failed = Failed(2, BatchA, T0.AddMinutes(3));
        var unknown = Imported(7, BatchA, T0.AddMinutes(3));

        await index.RecordOutcomesAsync([imported, failed, unknown], CancellationToken.None);

        Assert.Equal(imported, (await index.FindAsync(Sop(1), CancellationToken.None))!.ImportOutcome);
        Assert.Equal(failed, (await index.FindAsync(Sop(2), CancellationToken.None))!.ImportOutcome);
        Assert.Null((await index.FindAsync(Sop(3), CancellationToken.None))!.ImportOutcome);
        Assert.Null(await index.FindAsync(Sop(7), CancellationToken.None));
        var listed = await index.ListByStudyAsync(Study, 10, CancellationToken.None);
        Assert.Equal([imported, failed, null], listed.Select(r => r.ImportOutcome));
    }

    [Fact]
    public async Task GivenRecordedOutcomes_WhenTheSameJobIsRecordedAgainOrAnOlderOutcomeArrives_ThenTheLatestRecordedStays()
    {
        var index = await CreateIndexAsync();
        await index.RecordAsync([Record(1, BatchA, T0)], CancellationToken.None);
        var first = Imported(1, BatchA, T0.AddMinutes(3));
        var again = first with { RecordedAt = T0.AddMinutes(4) };
        var stale = Failed(1, BatchA, T0.AddMinutes(2));

        await index.RecordOutcomesAsync([first], CancellationToken.None);
        await index.RecordOutcomesAsync([first], CancellationToken.None);
        Assert.Equal(first, (await index.FindAsync(Sop(1), CancellationToken.None))!.ImportOutcome);

        await index.RecordOutcomesAsync([again], CancellationToken.None);
        await index.RecordOutcomesAsync([stale], CancellationToken.None);
        Assert.Equal(again, (await index.FindAsync(Sop(1), CancellationToken.None))!.ImportOutcome);
    }

    [Fact]
    public async Task GivenAnImportedInstance_WhenItsBatchIsRecordedAgain_ThenTheOutcomeStaysAndTheRecordsOwnOutcomeIsIgnored()
    {
        var index = await CreateIndexAsync();
        var record = Record(1, BatchA, T0);
        var outcome = Imported(1, BatchA, T0.AddMinutes(3));
        await index.RecordAsync([record], CancellationToken.None);
        await index.RecordOutcomesAsync([outcome], CancellationToken.None);

        await index.RecordAsync([record with { ImportOutcome = Failed(1, BatchA, T0.AddMinutes(9)) }], CancellationToken.None);

        Assert.Equal(record with { ImportOutcome = outcome }, await index.FindAsync(Sop(1), CancellationToken.None));
    }

    [Fact]
    public async Task GivenAnImportedInstanceReceivedAgain_WhenTheOlderJobsOutcomeArrives_ThenTheNewReceiptHasNoneUntilItsOwnJobRecordsOne()
    {
        var index = await CreateIndexAsync();
        await index.RecordAsync([Record(1, BatchA, T0)], CancellationToken.None);
        await index.RecordOutcomesAsync([Imported(1, BatchA, T0.AddMinutes(3))], CancellationToken.None);

        var newer = Record(1, BatchB, T0.AddMinutes(5));
        await index.RecordAsync([newer], CancellationToken.None);
        Assert.Equal(newer, await index.FindAsync(Sop(1), CancellationToken.None));

        await index.RecordOutcomesAsync([Imported(1, BatchA, T0.AddMinutes(6))], CancellationToken.None);
        Assert.Null((await index.FindAsync(Sop(1), CancellationToken.None))!.ImportOutcome);

        var own = Failed(1, BatchB, T0.AddMinutes(7));
        await index.RecordOutcomesAsync([own], CancellationToken.None);
        Assert.Equal(own, (await index.FindAsync(Sop(1), CancellationToken.None))!.ImportOutcome);
    }

    [Fact]
    public async Task GivenRecordedInstances_WhenCommitmentsAreRecorded_ThenFindAndListShowThemAndTheImportOutcomesAreReturned()
    {
        var index = await CreateIndexAsync();
        await index.RecordAsync([Record(1, BatchA, T0), Record(2, BatchA, T0.AddSeconds(1))], CancellationToken.None);
        var outcome = Imported(1, BatchA, T0.AddMinutes(3));
        await index.RecordOutcomesAsync([outcome], CancellationToken.None);
        var committed = Committed(1, T0.AddMinutes(4));
        var failed = new InstanceCommitment(Sop(2), Transaction, 0x0110, T0.AddMinutes(4));

        var outcomes = await index.RecordCommitmentsAsync([committed, failed], CancellationToken.None);

        Assert.Equal([outcome], outcomes);
        Assert.Equal(committed, (await index.FindAsync(Sop(1), CancellationToken.None))!.Commitment);
        Assert.Equal(failed, (await index.FindAsync(Sop(2), CancellationToken.None))!.Commitment);
        Assert.Equal([committed, failed], (await index.ListByStudyAsync(Study, 10, CancellationToken.None)).Select(r => r.Commitment));
    }

    [Fact]
    public async Task GivenACommitmentDeliveredBeforeItsBatchIsRecorded_WhenTheBatchIsRecorded_ThenTheRecordShowsItAndNoRecordShowedBefore()
    {
        var index = await CreateIndexAsync();
        var committed = Committed(1, T0.AddMinutes(1));

        var outcomes = await index.RecordCommitmentsAsync([committed], CancellationToken.None);
        Assert.Empty(outcomes);
        Assert.Null(await index.FindAsync(Sop(1), CancellationToken.None));
        Assert.Empty(await index.ListByStudyAsync(Study, 10, CancellationToken.None));

        var record = Record(1, BatchA, T0);
        await index.RecordAsync([record with { Commitment = Committed(1, T0.AddMinutes(9)) with { TransactionUid = "1.2.3.9" } }], CancellationToken.None);

        Assert.Equal(record with { Commitment = committed }, await index.FindAsync(Sop(1), CancellationToken.None));
        Assert.Equal([committed], (await index.ListByStudyAsync(Study, 10, CancellationToken.None)).Select(r => r.Commitment));
    }

    [Fact]
    public async Task GivenACommitment_WhenAnOlderOneArrivesAndTheInstanceIsReceivedAgain_ThenTheLatestReportStays()
    {
        var index = await CreateIndexAsync();
        await index.RecordAsync([Record(1, BatchA, T0)], CancellationToken.None);
        var latest = Committed(1, T0.AddMinutes(5)) with { TransactionUid = "1.2.826.0.1.3680043.8.498.77" };
        var older = new InstanceCommitment(Sop(1), Transaction, 0x0112, T0.AddMinutes(2));

        await index.RecordCommitmentsAsync([latest], CancellationToken.None);
        await index.RecordCommitmentsAsync([latest], CancellationToken.None);
        await index.RecordCommitmentsAsync([older], CancellationToken.None);
        await index.RecordAsync([Record(1, BatchB, T0.AddMinutes(6))], CancellationToken.None);

        var found = await index.FindAsync(Sop(1), CancellationToken.None);
        Assert.Equal(BatchB, found!.BatchId);
        Assert.Equal(latest, found.Commitment);
    }

    [Fact]
    public async Task GivenCommittedInstances_WhenTheirOutcomesAreRecorded_ThenTheCommitmentsOfTheKeptOutcomesAreReturned()
    {
        var index = await CreateIndexAsync();
        await index.RecordAsync([Record(1, BatchA, T0), Record(2, BatchA, T0.AddSeconds(1)), Record(3, BatchA, T0.AddSeconds(2))], CancellationToken.None);
        var first = Committed(1, T0.AddMinutes(1));
        var third = Committed(3, T0.AddMinutes(1));
        await index.RecordCommitmentsAsync([first, third], CancellationToken.None);

        var carried = await index.RecordOutcomesAsync(
            [Imported(1, BatchA, T0.AddMinutes(3)), Imported(2, BatchA, T0.AddMinutes(3)), Imported(3, BatchB, T0.AddMinutes(3))],
            CancellationToken.None);

        Assert.Equal([first], carried);
    }

    private const string Transaction = "1.2.826.0.1.3680043.8.498.42";

    private static InstanceCommitment Committed(int n, DateTimeOffset at) => new(Sop(n), Transaction, null, at);

    private static string Sop(int n) => $"{Study}.1.{n}";

    private static InstanceImportOutcome Imported(int n, string batchId, DateTimeOffset at) => new(
        SopInstanceUid: Sop(n),
        BatchId: batchId,
        JobId: "4f1a5c2e9b7d4e8f9a0b1c2d3e4f5a6b",
        Status: InstanceImportStatus.Imported,
        ImageSetId: "0c9f8e7d6c5b4a39281706f5e4d3c2b1",
        ImageSetVersion: "1",
        FailureReason: null,
        RecordedAt: at);

    private static InstanceImportOutcome Failed(int n, string batchId, DateTimeOffset at) => new(
        SopInstanceUid: Sop(n),
        BatchId: batchId,
        JobId: "4f1a5c2e9b7d4e8f9a0b1c2d3e4f5a6b",
        Status: InstanceImportStatus.Failed,
        ImageSetId: null,
        ImageSetVersion: null,
        FailureReason: "Unsupported transfer syntax 1.2.840.10008.1.2.4.100",
        RecordedAt: at);

    private static ReceivedInstanceRecord Record(int n, string batchId, DateTimeOffset receivedAt) => new(
        SopInstanceUid: Sop(n),
        SopClassUid: "1.2.840.10008.5.1.4.1.1.2",
        StudyInstanceUid: Study,
        SeriesInstanceUid: $"{Study}.1",
        TransferSyntaxUid: "1.2.840.10008.1.2.1",
        StudyDate: "20261128",
        ObjectKey: $"dicom/2026/11/28/{batchId}/{Sop(n)}.dcm",
        Size: 1000 + n,
        Checksum: "crc32c:0a1b2c3d",
        BatchId: batchId,
        BatchStudyInstanceUid: Study,
        ReceivedAt: receivedAt,
        CallingAeTitle: "MODALITY1",
        CalledAeTitle: "IMAGINGGW");
}
