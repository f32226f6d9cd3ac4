using ImagingGateway.Application.Common.Ports;

namespace ImagingGateway.Tests.Contracts;

/// <summary>
/// What every <see cref="IReceivedInstanceIndex"/> promises, run against each adapter: one record per SOP instance
/// that reads back whole, the latest received wins whatever order batches are recorded in, and a study lists oldest
/// received first within the limit.
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

    private static string Sop(int n) => $"{Study}.1.{n}";

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
