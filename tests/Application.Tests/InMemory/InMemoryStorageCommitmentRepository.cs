using ImagingGateway.Application.Common.Ports;

namespace ImagingGateway.Application.Tests.InMemory;

/// <summary>Storage commitment requests in memory, one per Transaction UID.</summary>
public sealed class InMemoryStorageCommitmentRepository : IStorageCommitmentRepository
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, StorageCommitmentRecord> _records = new(StringComparer.Ordinal);

    public Task<bool> TryAddAsync(StorageCommitmentRecord record, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_records.TryAdd(record.TransactionUid, record with { Items = [.. record.Items] }));
        }
    }

    public Task<StorageCommitmentRecord?> FindAsync(string transactionUid, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_records.GetValueOrDefault(transactionUid));
        }
    }

    public Task<IReadOnlyList<StorageCommitmentRecord>> ListDueAsync(DateTimeOffset dueBy, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<StorageCommitmentRecord> due = _records.Values
                .Where(r => r.State == StorageCommitmentState.Pending && r.NextAttemptAt <= dueBy)
                .OrderBy(r => r.NextAttemptAt).ThenBy(r => r.TransactionUid, StringComparer.Ordinal)
                .Take(limit).ToList();
            return Task.FromResult(due);
        }
    }

    public Task<bool> TryClaimAsync(string transactionUid, DateTimeOffset expectedNextAttemptAt, DateTimeOffset claimUntil, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_records.TryGetValue(transactionUid, out var record) || record.State != StorageCommitmentState.Pending ||
                record.NextAttemptAt != expectedNextAttemptAt)
            {
                return Task.FromResult(false);
            }

            _records[transactionUid] = record with { NextAttemptAt = claimUntil };
            return Task.FromResult(true);
        }
    }

    public Task UpdateAsync(StorageCommitmentRecord record, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_records.ContainsKey(record.TransactionUid))
            {
                throw new InvalidOperationException($"storage commitment {record.TransactionUid} is not recorded");
            }

            _records[record.TransactionUid] = record with { Items = [.. record.Items] };
            return Task.CompletedTask;
        }
    }
}
