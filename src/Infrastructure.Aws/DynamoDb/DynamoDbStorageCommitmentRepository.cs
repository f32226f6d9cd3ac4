using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ImagingGateway.Application.Common.Ports;
using Microsoft.Extensions.Options;
using static ImagingGateway.Infrastructure.Aws.DynamoDb.StorageCommitmentRequestItem;

namespace ImagingGateway.Infrastructure.Aws.DynamoDb;

/// <summary>
/// <see cref="IStorageCommitmentRepository"/> on its own DynamoDB table (PK <c>transactionUID</c>, sparse GSI
/// <c>byDue</c>), so a request recorded by one Gateway task is reported by whichever task is alive when it is due.
/// <para>
/// Every write is one conditional call: a request is added only if its Transaction UID is new (PutItem), replaced only
/// if it exists (PutItem, so <c>pending</c> goes with the Pending state), and claimed only while it is still pending
/// with the next attempt the claimer listed (UpdateItem), so of two tasks that listed the same request one wins.
/// </para>
/// <para>
/// <see cref="FindAsync"/> reads consistently; <see cref="ListDueAsync"/> queries the GSI, which DynamoDB updates within
/// about a second, so it may list a request just reported or miss one just added. A stale listing is harmless because
/// the claim is conditional on the table; a request just added is listed by the next round. An item holds at most
/// 400 KB, about 2,500 referenced instances per request: a larger request is refused by DynamoDB when it is added.
/// </para>
/// </summary>
public sealed class DynamoDbStorageCommitmentRepository(IAmazonDynamoDB dynamo, IOptions<AwsOptions> options) : IStorageCommitmentRepository
{
    private readonly string _table = string.IsNullOrWhiteSpace(options.Value.CommitmentTable)
        ? throw new InvalidOperationException("Gateway:Aws:CommitmentTable is required for the DynamoDB storage commitment repository")
        : options.Value.CommitmentTable;

    public async Task<bool> TryAddAsync(StorageCommitmentRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.PutItemAsync(
                new PutItemRequest
                {
                    TableName = _table,
                    Item = ToItem(record),
                    ConditionExpression = "attribute_not_exists(#uid)",
                    ExpressionAttributeNames = new() { ["#uid"] = TransactionUid },
                },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    public async Task<StorageCommitmentRecord?> FindAsync(string transactionUid, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(
            new GetItemRequest { TableName = _table, Key = Key(transactionUid), ConsistentRead = true },
            cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? FromItem(item) : null;
    }

    public async Task<IReadOnlyList<StorageCommitmentRecord>> ListDueAsync(DateTimeOffset dueBy, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var due = new List<StorageCommitmentRecord>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            // A page may stop short of Limit (1 MB): query on until the limit or the last due request.
            var response = await dynamo.QueryAsync(
                new QueryRequest
                {
                    TableName = _table,
                    IndexName = ByDueIndex,
                    KeyConditionExpression = "#pending = :pending AND #next <= :dueBy",
                    ExpressionAttributeNames = new() { ["#pending"] = Pending, ["#next"] = NextAttemptAt },
                    ExpressionAttributeValues = new()
                    {
                        [":pending"] = S(PendingValue),
                        [":dueBy"] = S(ReceivedInstanceItem.FormatTime(dueBy)),
                    },
                    ScanIndexForward = true,
                    Limit = limit - due.Count,
                    ExclusiveStartKey = start,
                },
                cancellationToken).ConfigureAwait(false);
            due.AddRange((response.Items ?? []).Select(FromItem));
            start = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null && due.Count < limit);

        return due;
    }

    public async Task<bool> TryClaimAsync(string transactionUid, DateTimeOffset expectedNextAttemptAt, DateTimeOffset claimUntil, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = _table,
                    Key = Key(transactionUid),
                    UpdateExpression = "SET #next = :claimUntil",
                    ConditionExpression = "#state = :pendingState AND #next = :expected",
                    ExpressionAttributeNames = new() { ["#next"] = NextAttemptAt, ["#state"] = State },
                    ExpressionAttributeValues = new()
                    {
                        [":claimUntil"] = S(ReceivedInstanceItem.FormatTime(claimUntil)),
                        [":pendingState"] = S(nameof(StorageCommitmentState.Pending)),
                        [":expected"] = S(ReceivedInstanceItem.FormatTime(expectedNextAttemptAt)),
                    },
                },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            // Reported, claimed by another task, or never recorded.
            return false;
        }
    }

    public async Task UpdateAsync(StorageCommitmentRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.PutItemAsync(
                new PutItemRequest
                {
                    TableName = _table,
                    Item = ToItem(record),
                    ConditionExpression = "attribute_exists(#uid)",
                    ExpressionAttributeNames = new() { ["#uid"] = TransactionUid },
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException e)
        {
            throw new InvalidOperationException($"storage commitment {record.TransactionUid} is not recorded", e);
        }
    }

    private static Dictionary<string, AttributeValue> Key(string transactionUid) => new() { [TransactionUid] = S(transactionUid) };
}
