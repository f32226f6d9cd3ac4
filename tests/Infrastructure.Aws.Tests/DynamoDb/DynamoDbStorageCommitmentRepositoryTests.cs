using Amazon.DynamoDBv2.Model;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Aws.DynamoDb;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Infrastructure.Aws.Tests.DynamoDb;

/// <summary>What the contract does not see: the item's layout, the sparse due index, two tasks on one table, the settings.</summary>
public sealed class DynamoDbStorageCommitmentRepositoryTests(DynaliteFixture dynalite) : IClassFixture<DynaliteFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    private static StorageCommitmentRecord Record(string transactionUid) => new(
        transactionUid, "MODALITY", "IMAGINGGW", "assoc-1", T0,
        [new StorageCommitmentItem("1.2.840.10008.5.1.4.1.1.2", "1.2.3.1", true, null, "01JDQ5ZJ3K8X9F7N2B4C6D8E0G"),
         new StorageCommitmentItem("1.2.840.10008.5.1.4.1.1.2", "1.2.3.2", true, 0x0112)],
        StorageCommitmentState.Pending, T0);

    [Fact]
    public async Task GivenAPendingRequest_WhenItIsReported_ThenItsItemLosesThePendingKeyAndLeavesTheDueIndex()
    {
        var (repository, table) = await CreateAsync();
        await repository.TryAddAsync(Record("2.25.1"), CancellationToken.None);
        using var client = dynalite.CreateClient();
        var pending = await GetItemAsync(client, table, "2.25.1");
        Assert.Equal("1", pending["pending"].S);
        Assert.Equal(1, await CountDueIndexAsync(client, table));

        await repository.UpdateAsync(Record("2.25.1") with { State = StorageCommitmentState.Reported, ReportedAt = T0.AddSeconds(1) }, CancellationToken.None);

        var reported = await GetItemAsync(client, table, "2.25.1");
        Assert.False(reported.ContainsKey("pending"));
        Assert.Equal("Reported", reported["state"].S);
        Assert.Equal(0, await CountDueIndexAsync(client, table));
    }

    [Fact]
    public async Task GivenARequest_WhenAdded_ThenItsInstancesAreAListOfMapsInRequestOrder()
    {
        var (repository, table) = await CreateAsync();

        await repository.TryAddAsync(Record("2.25.2"), CancellationToken.None);

        using var client = dynalite.CreateClient();
        var items = (await GetItemAsync(client, table, "2.25.2"))["items"].L;
        Assert.Equal(["1.2.3.1", "1.2.3.2"], items.Select(i => i.M["sopInstanceUID"].S));
        Assert.Equal("01JDQ5ZJ3K8X9F7N2B4C6D8E0G", items[0].M["batchId"].S);
        Assert.False(items[0].M.ContainsKey("failureReason"));
        Assert.Equal("274", items[1].M["failureReason"].N);
        Assert.Equal("2026-12-07T10:00:00.0000000Z", (await GetItemAsync(client, table, "2.25.2"))["nextAttemptAt"].S);
    }

    [Fact]
    public async Task GivenTwoTasksOnOneTable_WhenOneAddsAndClaimsARequest_ThenTheOtherReadsItAndCannotClaimIt()
    {
        var (first, table) = await CreateAsync();
        var second = new DynamoDbStorageCommitmentRepository(dynalite.CreateClient(), Options.Create(new AwsOptions { CommitmentTable = table }));
        await first.TryAddAsync(Record("2.25.3"), CancellationToken.None);

        var listed = Assert.Single(await second.ListDueAsync(T0, 10, CancellationToken.None));
        Assert.True(await first.TryClaimAsync("2.25.3", listed.NextAttemptAt, T0.AddMinutes(1), CancellationToken.None));

        Assert.False(await second.TryClaimAsync("2.25.3", listed.NextAttemptAt, T0.AddMinutes(2), CancellationToken.None));
        Assert.Equal(T0.AddMinutes(1), (await second.FindAsync("2.25.3", CancellationToken.None))!.NextAttemptAt);
        Assert.False(await second.TryAddAsync(Record("2.25.3"), CancellationToken.None));
    }

    [Fact]
    public void GivenNoTableName_WhenTheRepositoryIsCreated_ThenTheErrorNamesTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            new DynamoDbStorageCommitmentRepository(dynalite.CreateClient(), Options.Create(new AwsOptions())));

        Assert.Contains("Gateway:Aws:CommitmentTable", error.Message, StringComparison.Ordinal);
    }

    private async Task<(DynamoDbStorageCommitmentRepository Repository, string Table)> CreateAsync()
    {
        var table = await dynalite.CreateCommitmentTableAsync();
        return (new DynamoDbStorageCommitmentRepository(dynalite.CreateClient(), Options.Create(new AwsOptions { CommitmentTable = table })), table);
    }

    private static async Task<Dictionary<string, AttributeValue>> GetItemAsync(Amazon.DynamoDBv2.IAmazonDynamoDB client, string table, string transactionUid) =>
        (await client.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = new() { ["transactionUID"] = new AttributeValue { S = transactionUid } },
            ConsistentRead = true,
        })).Item;

    private static async Task<int> CountDueIndexAsync(Amazon.DynamoDBv2.IAmazonDynamoDB client, string table) =>
        (await client.ScanAsync(new ScanRequest { TableName = table, IndexName = "byDue" })).Count ?? 0;
}
