using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ImagingGateway.Application.Common.Ports;
using Microsoft.Extensions.Options;
using static ImagingGateway.Infrastructure.Aws.DynamoDb.ReceivedInstanceItem;

namespace ImagingGateway.Infrastructure.Aws.DynamoDb;

/// <summary>
/// <see cref="IReceivedInstanceIndex"/> on its own DynamoDB table (PK <c>sopInstanceUID</c>, GSI <c>byStudy</c>), so
/// every Gateway task and the Lambda functions see the same answers.
/// <para>
/// A batch is recorded as one conditional PutItem per instance, up to <see cref="MaxConcurrentWrites"/> in flight.
/// Each put is atomic and lands only if no record exists or the recorded instance was received at the same time or
/// earlier, so the latest received wins whatever order batches (or their retries) arrive in, and recording a batch
/// again changes nothing. The batch as a whole is not atomic: a failed call leaves some of its instances recorded and
/// throws, and recording the same batch again completes it. TransactWriteItems would not give more, since it holds 100
/// items and a batch up to 5,000, and one newer record would cancel its whole transaction.
/// </para>
/// <para>
/// <see cref="FindAsync"/> reads consistently (a record written by another task is seen at once);
/// <see cref="ListByStudyAsync"/> queries the GSI, which DynamoDB updates within about a second of the write.
/// </para>
/// </summary>
public sealed class DynamoDbReceivedInstanceIndex(IAmazonDynamoDB dynamo, IOptions<AwsOptions> options) : IReceivedInstanceIndex
{
    /// <summary>Puts of one batch in flight at once: a full batch is recorded in seconds without throttling a new on-demand table.</summary>
    public const int MaxConcurrentWrites = 16;

    private readonly string _table = string.IsNullOrWhiteSpace(options.Value.InstanceTable)
        ? throw new InvalidOperationException("Gateway:Aws:InstanceTable is required for the DynamoDB received-instance index")
        : options.Value.InstanceTable;

    public async Task RecordAsync(IReadOnlyList<ReceivedInstanceRecord> instances, CancellationToken cancellationToken)
    {
        // One put per SOP instance: the same instance twice in a batch keeps the one received last.
        var latest = instances
            .GroupBy(i => i.SopInstanceUid, StringComparer.Ordinal)
            .Select(g => g.MaxBy(i => i.ReceivedAt)!)
            .ToList();
        await Parallel.ForEachAsync(
            latest,
            new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentWrites, CancellationToken = cancellationToken },
            async (instance, ct) => await PutIfLatestAsync(instance, ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    public async Task<ReceivedInstanceRecord?> FindAsync(string sopInstanceUid, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(
            new GetItemRequest { TableName = _table, Key = new() { [SopInstanceUid] = S(sopInstanceUid) }, ConsistentRead = true },
            cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? FromItem(item) : null;
    }

    public async Task<IReadOnlyList<ReceivedInstanceRecord>> ListByStudyAsync(string studyInstanceUid, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var items = new List<ReceivedInstanceRecord>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            // A page may stop short of Limit (1 MB): query on until the limit or the study's end.
            var response = await dynamo.QueryAsync(
                new QueryRequest
                {
                    TableName = _table,
                    IndexName = ByStudyIndex,
                    KeyConditionExpression = "#study = :study",
                    ExpressionAttributeNames = new() { ["#study"] = StudyInstanceUid },
                    ExpressionAttributeValues = new() { [":study"] = S(studyInstanceUid) },
                    ScanIndexForward = true,
                    Limit = limit - items.Count,
                    ExclusiveStartKey = start,
                },
                cancellationToken).ConfigureAwait(false);
            items.AddRange((response.Items ?? []).Select(FromItem));
            start = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null && items.Count < limit);

        return items;
    }

    private async Task PutIfLatestAsync(ReceivedInstanceRecord instance, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.PutItemAsync(
                new PutItemRequest
                {
                    TableName = _table,
                    Item = ToItem(instance),
                    ConditionExpression = "attribute_not_exists(#sop) OR #receivedAt <= :receivedAt",
                    ExpressionAttributeNames = new() { ["#sop"] = SopInstanceUid, ["#receivedAt"] = ReceivedAt },
                    ExpressionAttributeValues = new() { [":receivedAt"] = S(FormatTime(instance.ReceivedAt)) },
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // The recorded instance was received later: it stays.
        }
    }
}
