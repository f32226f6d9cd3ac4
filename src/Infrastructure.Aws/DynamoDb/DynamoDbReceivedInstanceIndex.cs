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
/// PutItem that lands only if no item exists or another batch's record without a commitment was received at the same
/// time or earlier (so the latest received wins whatever order batches or their retries arrive in, and a replaced
/// receipt loses its outcome); else an UpdateItem that does the same replacement but keeps the item's commitment
/// (including an item that holds only a commitment delivered before the batch was recorded); else an UpdateItem of
/// the same batch's record that keeps its outcome. Each instance's write is atomic
/// and idempotent; the batch as a whole is not: a failed call leaves some of its instances recorded and throws, and
/// recording the same batch again completes it. TransactWriteItems would not give more, since it holds 100 items and
/// a batch up to 5,000, and one newer record would cancel its whole transaction.
/// </para>
/// <para>
/// An outcome is one UpdateItem conditional on the item holding the outcome's batch and no later outcome, so an
/// unknown instance or a replaced receipt is never created or changed. A commitment is one UpdateItem conditional on
/// no later commitment; it creates a commitment-only item for an instance not recorded yet, which
/// <see cref="FindAsync"/> does not show and the <c>byStudy</c> GSI does not hold (the item has no study). Both return
/// the item as written (ReturnValues ALL_NEW), which tells the caller the instance's commitment or outcome.
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

    public async Task<IReadOnlyList<InstanceCommitment>> RecordOutcomesAsync(IReadOnlyList<InstanceImportOutcome> outcomes, CancellationToken cancellationToken)
    {
        var carried = new System.Collections.Concurrent.ConcurrentBag<InstanceCommitment>();
        await Parallel.ForEachAsync(
            outcomes,
            new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentWrites, CancellationToken = cancellationToken },
            async (outcome, ct) =>
            {
                if (await UpdateOutcomeAsync(outcome, ct).ConfigureAwait(false) is { } commitment)
                {
                    carried.Add(commitment);
                }
            }).ConfigureAwait(false);
        return [.. carried];
    }

    public async Task<IReadOnlyList<InstanceImportOutcome>> RecordCommitmentsAsync(IReadOnlyList<InstanceCommitment> commitments, CancellationToken cancellationToken)
    {
        var outcomes = new System.Collections.Concurrent.ConcurrentBag<InstanceImportOutcome>();
        await Parallel.ForEachAsync(
            commitments,
            new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentWrites, CancellationToken = cancellationToken },
            async (commitment, ct) =>
            {
                if (await UpdateCommitmentAsync(commitment, ct).ConfigureAwait(false) is { } outcome)
                {
                    outcomes.Add(outcome);
                }
            }).ConfigureAwait(false);
        return [.. outcomes];
    }

    public async Task<ReceivedInstanceRecord?> FindAsync(string sopInstanceUid, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(
            new GetItemRequest { TableName = _table, Key = new() { [SopInstanceUid] = S(sopInstanceUid) }, ConsistentRead = true },
            cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item && IsRecord(item) ? FromItem(item) : null;
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
                    ConditionExpression = "attribute_not_exists(#sop) OR (#batch <> :batch AND #receivedAt <= :receivedAt AND attribute_not_exists(#commitment))",
                    ExpressionAttributeNames = new() { ["#sop"] = SopInstanceUid, ["#batch"] = BatchId, ["#receivedAt"] = ReceivedAt, ["#commitment"] = CommitmentTransactionUid },
                    ExpressionAttributeValues = new() { [":batch"] = item[BatchId], [":receivedAt"] = item[ReceivedAt] },
                },
                cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (ConditionalCheckFailedException)
        {
            // The item holds a commitment (replaced below, keeping it), or this batch's record (updated below, keeping its
            // outcome), or another batch's instance received later (it stays).
        }

        var names = new Dictionary<string, string>(StringComparer.Ordinal) { ["#batch"] = BatchId, ["#receivedAt"] = ReceivedAt };
        var values = new Dictionary<string, AttributeValue>(StringComparer.Ordinal) { [":batch"] = item[BatchId], [":receivedAt"] = item[ReceivedAt] };
        var replace = Expression(item.Where(a => a.Key != SopInstanceUid), [.. OptionalAttributes, .. AllOutcomeAttributes], names, values);
        try
        {
            await dynamo.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = _table,
                    Key = new() { [SopInstanceUid] = item[SopInstanceUid] },
                    UpdateExpression = replace,
                    ConditionExpression = "attribute_not_exists(#batch) OR (#batch <> :batch AND #receivedAt <= :receivedAt)",
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                },
                cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (ConditionalCheckFailedException)
        {
            // Recorded from this batch already (updated below, keeping its outcome), or received later by another (it stays).
        }

        names = new Dictionary<string, string>(StringComparer.Ordinal) { ["#batch"] = BatchId, ["#receivedAt"] = ReceivedAt };
        values = new Dictionary<string, AttributeValue>(StringComparer.Ordinal) { [":batch"] = item[BatchId], [":receivedAt"] = item[ReceivedAt] };
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

    /// <summary>The commitment the instance carries when the outcome was kept, else null.</summary>
    private async Task<InstanceCommitment?> UpdateOutcomeAsync(InstanceImportOutcome outcome, CancellationToken cancellationToken)
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
            var response = await dynamo.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = _table,
                    Key = new() { [SopInstanceUid] = S(outcome.SopInstanceUid) },
                    UpdateExpression = update,
                    ConditionExpression = "#batch = :batch AND (attribute_not_exists(#at) OR #at <= :at)",
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                    ReturnValues = ReturnValue.ALL_NEW,
                },
                cancellationToken).ConfigureAwait(false);
            return response.Attributes is { Count: > 0 } written ? CommitmentOf(written) : null;
        }
        catch (ConditionalCheckFailedException)
        {
            // Not this batch's receipt (unknown, or replaced by a re-sent instance), or a later outcome is recorded.
            return null;
        }
    }

    /// <summary>The import outcome the instance carries when the commitment was kept, else null.</summary>
    private async Task<InstanceImportOutcome?> UpdateCommitmentAsync(InstanceCommitment commitment, CancellationToken cancellationToken)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { ["#at"] = CommitmentReportedAt };
        var values = new Dictionary<string, AttributeValue>(StringComparer.Ordinal) { [":at"] = S(FormatTime(commitment.ReportedAt)) };
        var update = Expression(ToCommitmentAttributes(commitment), OptionalCommitmentAttributes, names, values);
        try
        {
            var response = await dynamo.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = _table,
                    Key = new() { [SopInstanceUid] = S(commitment.SopInstanceUid) },
                    UpdateExpression = update,
                    ConditionExpression = "attribute_not_exists(#at) OR #at <= :at",
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                    ReturnValues = ReturnValue.ALL_NEW,
                },
                cancellationToken).ConfigureAwait(false);
            return response.Attributes is { Count: > 0 } written && IsRecord(written) ? FromItem(written).ImportOutcome : null;
        }
        catch (ConditionalCheckFailedException)
        {
            // A later report on this instance is recorded: it stays.
            return null;
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
