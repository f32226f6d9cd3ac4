using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Imports;
using Microsoft.Extensions.Options;
using static ImagingGateway.Infrastructure.Aws.DynamoDb.ImportJobItem;

namespace ImagingGateway.Infrastructure.Aws.DynamoDb;

/// <summary>
/// <see cref="IImportJobRepository"/> on DicomImportJobTable. Creation is conditional on the id being new and
/// every status change on the stored status, so a replayed or concurrent update never moves a job backwards or
/// out of a terminal state. Listing by status or study queries the <c>byStatus</c> / <c>byStudy</c> GSIs
/// (projection ALL), newest first; the plain list merges the four per-status queries so it is newest first too.
/// Storage commitments are entries of the <c>commitments</c> map, each set by an UpdateItem whose condition is
/// <see cref="ImportJobCommitment.Supersedes"/> written as an expression (the contract tests hold both to the same cases).
/// </summary>
public sealed class DynamoDbImportJobRepository(IAmazonDynamoDB dynamo, IOptions<AwsOptions> options) : IImportJobRepository
{
    public const int MaxPageSize = 1000;

    private static readonly ImportJobStatus[] Statuses =
        [ImportJobStatus.Submitted, ImportJobStatus.InProgress, ImportJobStatus.Completed, ImportJobStatus.Failed];

    private readonly string _table = string.IsNullOrWhiteSpace(options.Value.JobTable)
        ? throw new InvalidOperationException("Gateway:Aws:JobTable is required for the DynamoDB job repository")
        : options.Value.JobTable;

    public async Task<bool> CreateIfAbsentAsync(ImportJob job, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.PutItemAsync(
                new PutItemRequest
                {
                    TableName = _table,
                    Item = ToItem(job),
                    ConditionExpression = "attribute_not_exists(#id)",
                    ExpressionAttributeNames = new() { ["#id"] = JobId },
                },
                cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    public async Task<bool> TryUpdateAsync(ImportJob job, ImportJobStatus expectedStatus, CancellationToken cancellationToken)
    {
        job.EnsureCanReplace(expectedStatus);

        var names = new Dictionary<string, string>
        {
            ["#status"] = JobStatus,
            ["#endedAt"] = EndedAt,
            ["#message"] = Message,
        };
        var values = new Dictionary<string, AttributeValue>
        {
            [":status"] = S(job.Status.ToWire()),
            [":expected"] = S(expectedStatus.ToWire()),
        };
        var set = new List<string> { "#status = :status" };
        var remove = new List<string>();
        if (job.EndedAt is { } endedAt)
        {
            set.Add("#endedAt = :endedAt");
            values[":endedAt"] = S(FormatTime(endedAt));
        }
        else
        {
            remove.Add("#endedAt");
        }

        if (!string.IsNullOrEmpty(job.Message))
        {
            set.Add("#message = :message");
            values[":message"] = S(job.Message);
        }
        else
        {
            remove.Add("#message");
        }

        var update = "SET " + string.Join(", ", set) + (remove.Count > 0 ? " REMOVE " + string.Join(", ", remove) : string.Empty);
        try
        {
            await dynamo.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = _table,
                    Key = new() { [JobId] = S(job.JobId) },
                    UpdateExpression = update,
                    ConditionExpression = "#status = :expected",
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                },
                cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    public async Task<bool> RecordCommitmentsAsync(string jobId, IReadOnlyList<ImportJobCommitment> commitments, CancellationToken cancellationToken)
    {
        try
        {
            // A map entry can only be set inside an existing map: make it first, on an existing job only.
            await dynamo.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = _table,
                    Key = new() { [JobId] = S(jobId) },
                    UpdateExpression = "SET #c = if_not_exists(#c, :empty)",
                    ConditionExpression = "attribute_exists(#id)",
                    ExpressionAttributeNames = new() { ["#id"] = JobId, ["#c"] = Commitments },
                    ExpressionAttributeValues = new() { [":empty"] = new AttributeValue { M = new Dictionary<string, AttributeValue>(StringComparer.Ordinal) } },
                },
                cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }

        foreach (var commitment in commitments)
        {
            try
            {
                await dynamo.UpdateItemAsync(
                    new UpdateItemRequest
                    {
                        TableName = _table,
                        Key = new() { [JobId] = S(jobId) },
                        UpdateExpression = "SET #c.#t = :v",
                        ConditionExpression = "attribute_not_exists(#c.#t) OR #c.#t.#total < :total OR (#c.#t.#total = :total AND #c.#t.#at <= :at)",
                        ExpressionAttributeNames = new()
                        {
                            ["#c"] = Commitments,
                            ["#t"] = commitment.TransactionUid,
                            ["#total"] = CommitmentTotal,
                            ["#at"] = CommitmentReportedAt,
                        },
                        ExpressionAttributeValues = new()
                        {
                            [":v"] = ToCommitmentValue(commitment),
                            [":total"] = ImportJobItem.N(commitment.Committed + commitment.Failed),
                            [":at"] = S(FormatTime(commitment.ReportedAt)),
                        },
                    },
                    cancellationToken);
            }
            catch (ConditionalCheckFailedException)
            {
                // The stored count of this transaction saw more instances, or is as full and reported later: it stays.
            }
        }

        return true;
    }

    public async Task<bool> SetRetriedByAsync(ImportJob job, CancellationToken cancellationToken)
    {
        var hasLink = !string.IsNullOrEmpty(job.RetriedBy);
        try
        {
            await dynamo.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = _table,
                    Key = new() { [JobId] = S(job.JobId) },
                    UpdateExpression = hasLink ? "SET #retriedBy = :retriedBy" : "REMOVE #retriedBy",
                    ConditionExpression = "attribute_exists(#id)",
                    ExpressionAttributeNames = new() { ["#id"] = JobId, ["#retriedBy"] = RetriedBy },
                    ExpressionAttributeValues = hasLink ? new() { [":retriedBy"] = S(job.RetriedBy!) } : null,
                },
                cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    public async Task<ImportJob?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(
            new GetItemRequest { TableName = _table, Key = new() { [JobId] = S(jobId) }, ConsistentRead = true },
            cancellationToken);
        return response.Item is { Count: > 0 } item ? FromItem(item) : null;
    }

    public Task<Page<ImportJob>> ListByStatusAsync(ImportJobStatus status, PageRequest page, CancellationToken cancellationToken) =>
        QueryPageAsync(ByStatusIndex, JobStatus, status.ToWire(), page, cancellationToken);

    public Task<Page<ImportJob>> ListByStudyAsync(string studyInstanceUid, PageRequest page, CancellationToken cancellationToken) =>
        QueryPageAsync(ByStudyIndex, StudyInstanceUid, studyInstanceUid, page, cancellationToken);

    public async Task<Page<ImportJob>> ListAsync(PageRequest page, CancellationToken cancellationToken)
    {
        var limit = CheckLimit(page);
        var cursors = page.ContinuationToken is null
            ? Statuses.ToDictionary(s => s.ToWire(), _ => (Dictionary<string, AttributeValue>?)new Dictionary<string, AttributeValue>(), StringComparer.Ordinal)
            : ContinuationToken.Decode(page.ContinuationToken);

        // Each status partition is already newest first; take up to `limit` from each and merge.
        var candidates = new List<(string Status, Dictionary<string, AttributeValue> Item)>();
        var exhausted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var status in Statuses.Select(s => s.ToWire()))
        {
            if (!cursors.TryGetValue(status, out var cursor) || cursor is null)
            {
                exhausted.Add(status);
                continue;
            }

            var (items, more) = await QueryUpToAsync(ByStatusIndex, JobStatus, status, cursor.Count == 0 ? null : cursor, limit, cancellationToken);
            candidates.AddRange(items.Select(i => (status, i)));
            if (!more)
            {
                exhausted.Add(status);
            }
        }

        // k-way merge that keeps each partition's own order, so what is taken from a partition is a prefix of it.
        var taken = new List<(string Status, Dictionary<string, AttributeValue> Item)>();
        var heads = Statuses.Select(s => s.ToWire()).ToDictionary(s => s, _ => 0, StringComparer.Ordinal);
        while (taken.Count < limit)
        {
            (string Status, Dictionary<string, AttributeValue> Item)? best = null;
            foreach (var (status, position) in heads)
            {
                var partition = candidates.Where(c => c.Status == status).ToList();
                if (position < partition.Count
                    && (best is null || string.CompareOrdinal(partition[position].Item[SubmittedAt].S, best.Value.Item[SubmittedAt].S) > 0))
                {
                    best = partition[position];
                }
            }

            if (best is not { } chosen)
            {
                break;
            }

            taken.Add(chosen);
            heads[chosen.Status]++;
        }

        var next = new Dictionary<string, Dictionary<string, AttributeValue>?>(StringComparer.Ordinal);
        var anyLeft = false;
        foreach (var status in Statuses.Select(s => s.ToWire()))
        {
            var fetched = candidates.Count(c => c.Status == status);
            var used = taken.Where(c => c.Status == status).ToList();
            if (exhausted.Contains(status) && used.Count == fetched)
            {
                next[status] = null;
                continue;
            }

            anyLeft = true;
            next[status] = used.Count > 0
                ? IndexKey(used[^1].Item, JobStatus)
                : cursors.GetValueOrDefault(status) ?? new Dictionary<string, AttributeValue>();
        }

        return new Page<ImportJob>(taken.Select(c => FromItem(c.Item)).ToList(), anyLeft ? ContinuationToken.Encode(next) : null);
    }

    /// <summary>
    /// One Select=COUNT query of the byStatus index per status: DynamoDB counts on its side and returns no items,
    /// and the index the listing already uses needs no further grant.
    /// </summary>
    public async Task<IReadOnlyDictionary<ImportJobStatus, long>> CountByStatusAsync(IReadOnlyCollection<ImportJobStatus> statuses, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<ImportJobStatus, long>();
        foreach (var status in statuses.Distinct())
        {
            long count = 0;
            Dictionary<string, AttributeValue>? start = null;
            do
            {
                var response = await dynamo.QueryAsync(
                    new QueryRequest
                    {
                        TableName = _table,
                        IndexName = ByStatusIndex,
                        KeyConditionExpression = "#pk = :pk",
                        ExpressionAttributeNames = new() { ["#pk"] = JobStatus },
                        ExpressionAttributeValues = new() { [":pk"] = S(status.ToWire()) },
                        Select = Select.COUNT,
                        ExclusiveStartKey = start,
                    },
                    cancellationToken);
                count += response.Count ?? 0;
                start = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
            }
            while (start is not null);

            counts[status] = count;
        }

        return counts;
    }

    private async Task<Page<ImportJob>> QueryPageAsync(string index, string attribute, string value, PageRequest page, CancellationToken cancellationToken)
    {
        var limit = CheckLimit(page);
        var start = ContinuationToken.DecodeSingle(page.ContinuationToken);
        var (items, more) = await QueryUpToAsync(index, attribute, value, start, limit, cancellationToken);
        var token = more && items.Count > 0 ? ContinuationToken.Encode(IndexKey(items[^1], attribute)) : null;
        return new Page<ImportJob>(items.Select(FromItem).ToList(), token);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> items of one index partition after <paramref name="start"/>, newest first;
    /// <c>more</c> tells whether the partition may hold further items. A query page can stop short of the limit
    /// (1 MB), so this queries until it has enough or the partition ends.
    /// </summary>
    private async Task<(List<Dictionary<string, AttributeValue>> Items, bool More)> QueryUpToAsync(
        string index, string attribute, string value, Dictionary<string, AttributeValue>? start, int limit, CancellationToken cancellationToken)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        var exclusiveStart = start;
        for (var round = 0; round < 1000; round++)
        {
            var response = await dynamo.QueryAsync(
                new QueryRequest
                {
                    TableName = _table,
                    IndexName = index,
                    KeyConditionExpression = "#pk = :pk",
                    ExpressionAttributeNames = new() { ["#pk"] = attribute },
                    ExpressionAttributeValues = new() { [":pk"] = S(value) },
                    ScanIndexForward = false,
                    Limit = limit - items.Count,
                    ExclusiveStartKey = exclusiveStart,
                },
                cancellationToken);
            items.AddRange(response.Items ?? []);
            exclusiveStart = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
            if (exclusiveStart is null)
            {
                return (items, false);
            }

            if (items.Count >= limit)
            {
                return (items, true);
            }
        }

        throw new InvalidOperationException($"query of {index} did not finish within 1000 pages");
    }

    /// <summary>The key DynamoDB needs to resume a GSI query after <paramref name="item"/>: table key plus index key.</summary>
    private static Dictionary<string, AttributeValue> IndexKey(Dictionary<string, AttributeValue> item, string partitionAttribute) => new(StringComparer.Ordinal)
    {
        [JobId] = item[JobId],
        [partitionAttribute] = item[partitionAttribute],
        [SubmittedAt] = item[SubmittedAt],
    };

    private static int CheckLimit(PageRequest page) => page.Limit is >= 1 and <= MaxPageSize
        ? page.Limit
        : throw new ArgumentOutOfRangeException(nameof(page), $"a page holds 1 to {MaxPageSize} items, not {page.Limit}");
}
