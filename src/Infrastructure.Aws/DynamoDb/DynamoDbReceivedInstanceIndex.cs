using System.Globalization;
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
/// A batch is recorded as one conditional write per instance, up to <see cref="MaxConcurrentWrites"/> in flight: a
/// PutItem that lands only if no record exists or another batch's record was received at the same time or earlier
/// (so the latest received wins whatever order batches or their retries arrive in, and a replaced receipt loses its
/// outcome), else an UpdateItem of the same batch's record that keeps its outcome. Each instance's write is atomic
/// and idempotent; the batch as a whole is not: a failed call leaves some of its instances recorded and throws, and
/// recording the same batch again completes it. TransactWriteItems would not give more, since it holds 100 items and
/// a batch up to 5,000, and one newer record would cancel its whole transaction.
/// </para>
/// <para>
/// An outcome is one UpdateItem conditional on the item holding the outcome's batch and no later outcome, so an
/// unknown instance or a replaced receipt is never created or changed.
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

    public Task RecordOutcomesAsync(IReadOnlyList<InstanceImportOutcome> outcomes, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            outcomes,
            new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentWrites, CancellationToken = cancellationToken },
            async (outcome, ct) => await UpdateOutcomeAsync(outcome, ct).ConfigureAwait(false));

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
        var item = ToItem(instance);
        try
        {
            await dynamo.PutItemAsync(
                new PutItemRequest
                {
                    TableName = _table,
                    Item = item,
                    ConditionExpression = "attribute_not_exists(#sop) OR (#batch <> :batch AND #receivedAt <= :receivedAt)",
                    ExpressionAttributeNames = new() { ["#sop"] = SopInstanceUid, ["#batch"] = BatchId, ["#receivedAt"] = ReceivedAt },
                    ExpressionAttributeValues = new() { [":batch"] = item[BatchId], [":receivedAt"] = item[ReceivedAt] },
                },
                cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (ConditionalCheckFailedException)
        {
            // Recorded from this batch already (updated below, keeping its outcome), or received later by another (it stays).
        }

        var names = new Dictionary<string, string>(StringComparer.Ordinal) { ["#batch"] = BatchId, ["#receivedAt"] = ReceivedAt };
        var values = new Dictionary<string, AttributeValue>(StringComparer.Ordinal) { [":batch"] = item[BatchId], [":receivedAt"] = item[ReceivedAt] };
        var update = Expression(item.Where(a => a.Key != SopInstanceUid), OptionalAttributes, names, values);
        try
        {
            await dynamo.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = _table,
                    Key = new() { [SopInstanceUid] = item[SopInstanceUid] },
                    UpdateExpression = update,
                    ConditionExpression = "#batch = :batch AND #receivedAt <= :receivedAt",
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // Another batch's instance received later holds the record: it stays.
        }
    }

    private async Task UpdateOutcomeAsync(InstanceImportOutcome outcome, CancellationToken cancellationToken)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { ["#batch"] = BatchId, ["#at"] = OutcomeRecordedAt };
        var values = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            [":batch"] = S(outcome.BatchId),
            [":at"] = S(FormatTime(outcome.RecordedAt)),
        };
        var update = Expression(ToOutcomeAttributes(outcome), OptionalOutcomeAttributes, names, values);
        try
        {
            await dynamo.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = _table,
                    Key = new() { [SopInstanceUid] = S(outcome.SopInstanceUid) },
                    UpdateExpression = update,
                    ConditionExpression = "#batch = :batch AND (attribute_not_exists(#at) OR #at <= :at)",
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // Not this batch's receipt (unknown, or replaced by a re-sent instance), or a later outcome is recorded.
        }
    }

    /// <summary>
    /// <c>SET</c> of <paramref name="set"/> and <c>REMOVE</c> of the <paramref name="optional"/> attributes it lacks,
    /// adding their placeholders to <paramref name="names"/> and <paramref name="values"/>.
    /// </summary>
    private static string Expression(
        IEnumerable<KeyValuePair<string, AttributeValue>> set, string[] optional,
        Dictionary<string, string> names, Dictionary<string, AttributeValue> values)
    {
        var assignments = new List<string>();
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in set)
        {
            var n = "#a" + assignments.Count.ToString(CultureInfo.InvariantCulture);
            var v = ":a" + assignments.Count.ToString(CultureInfo.InvariantCulture);
            names[n] = name;
            values[v] = value;
            assignments.Add($"{n} = {v}");
            present.Add(name);
        }

        var removals = new List<string>();
        foreach (var name in optional.Where(o => !present.Contains(o)))
        {
            var n = "#r" + removals.Count.ToString(CultureInfo.InvariantCulture);
            names[n] = name;
            removals.Add(n);
        }

        return "SET " + string.Join(", ", assignments) + (removals.Count > 0 ? " REMOVE " + string.Join(", ", removals) : string.Empty);
    }
}
