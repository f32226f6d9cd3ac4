using Amazon.DynamoDBv2.Model;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Aws.DynamoDb;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Infrastructure.Aws.Tests.DynamoDb;

public sealed class DynamoDbReceivedInstanceIndexTests(DynaliteFixture dynalite) : IClassFixture<DynaliteFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 5, 0, 0, TimeSpan.Zero);
    private const string Study = "1.2.826.0.1.3680043.8.498.7";

    [Fact]
    public async Task GivenARecord_WhenWritten_ThenTheItemHasTheTableAttributesExactly()
    {
        var (index, table) = await CreateAsync();
        var record = Record(1, "B1", T0.AddTicks(1234567));

        await index.RecordAsync([record], CancellationToken.None);

        using var client = dynalite.CreateClient();
        var item = (await client.GetItemAsync(new GetItemRequest { TableName = table, Key = new() { ["sopInstanceUID"] = new AttributeValue { S = record.SopInstanceUid } } })).Item;
        Assert.Equal(
            ["batchId", "batchStudyInstanceUID", "calledAeTitle", "callingAeTitle", "checksum", "objectKey", "receivedAt", "receivedOrder",
             "seriesInstanceUID", "size", "sopClassUID", "sopInstanceUID", "studyDate", "studyInstanceUID", "transferSyntaxUID"],
            item.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("2026-11-28T05:00:00.1234567Z", item["receivedAt"].S);
        Assert.Equal("2026-11-28T05:00:00.1234567Z#" + record.SopInstanceUid, item["receivedOrder"].S);
        Assert.Equal("1001", item["size"].N);
    }

    [Fact]
    public async Task GivenABatchLargerThanOneTransaction_WhenRecorded_ThenEveryInstanceIsFoundAndListedInOrder()
    {
        var (index, _) = await CreateAsync();
        var batch = Enumerable.Range(1, 250).Select(n => Record(n, "B2", T0.AddMilliseconds(n))).Reverse().ToList();

        await index.RecordAsync(batch, CancellationToken.None);

        var listed = await index.ListByStudyAsync(Study, 1000, CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, 250).Select(Sop), listed.Select(r => r.SopInstanceUid));
        Assert.Equal(batch.Single(r => r.SopInstanceUid == Sop(137)), await index.FindAsync(Sop(137), CancellationToken.None));
    }

    [Fact]
    public async Task GivenTwoBatchesOfTheSameInstancesRecordedConcurrently_WhenBothFinish_ThenEachInstanceHoldsTheLaterBatch()
    {
        var (first, table) = await CreateAsync();
        var second = new DynamoDbReceivedInstanceIndex(dynalite.CreateClient(), Options.Create(new AwsOptions { InstanceTable = table }));
        var older = Enumerable.Range(1, 60).Select(n => Record(n, "OLD", T0)).ToList();
        var newer = Enumerable.Range(1, 60).Select(n => Record(n, "NEW", T0.AddSeconds(1))).ToList();

        await Task.WhenAll(first.RecordAsync(older, CancellationToken.None), second.RecordAsync(newer, CancellationToken.None));
        await first.RecordAsync(older, CancellationToken.None);

        var listed = await second.ListByStudyAsync(Study, 100, CancellationToken.None);
        Assert.Equal(60, listed.Count);
        Assert.All(listed, r => Assert.Equal("NEW", r.BatchId));
    }

    [Fact]
    public async Task GivenTheSameInstanceTwiceInOneBatch_WhenRecorded_ThenTheOneReceivedLastStays()
    {
        var (index, _) = await CreateAsync();
        var early = Record(1, "B3", T0) with { Size = 5 };
        var late = Record(1, "B3", T0.AddSeconds(2)) with { Size = 7 };

        await index.RecordAsync([late, early], CancellationToken.None);

        Assert.Equal(late, await index.FindAsync(Sop(1), CancellationToken.None));
    }

    [Fact]
    public void GivenNoTableName_WhenTheIndexIsCreated_ThenTheErrorNamesTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            new DynamoDbReceivedInstanceIndex(dynalite.CreateClient(), Options.Create(new AwsOptions())));

        Assert.Contains("Gateway:Aws:InstanceTable", error.Message, StringComparison.Ordinal);
    }

    private async Task<(DynamoDbReceivedInstanceIndex Index, string Table)> CreateAsync()
    {
        var table = await dynalite.CreateInstanceTableAsync();
        return (new DynamoDbReceivedInstanceIndex(dynalite.CreateClient(), Options.Create(new AwsOptions { InstanceTable = table })), table);
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
