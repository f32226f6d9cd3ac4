using ImagingGateway.Application.Common.Ports;

namespace ImagingGateway.Application.Tests.InMemory;

/// <summary>
/// The received-instance index in memory: all of a batch or nothing, latest received wins, an outcome kept only for
/// the receipt (batch) it names.
/// </summary>
public sealed class InMemoryReceivedInstanceIndex : IReceivedInstanceIndex
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ReceivedInstanceRecord> _records = new(StringComparer.Ordinal);

    /// <summary>How many times <see cref="RecordAsync"/> was called (each call is one batch, one transaction).</summary>
    public int RecordCalls { get; private set; }

    /// <summary>When set, the next <see cref="RecordAsync"/> throws it and records nothing.</summary>
    public Exception? FailNextRecord { get; set; }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _records.Count;
            }
        }
    }

    public Task RecordAsync(IReadOnlyList<ReceivedInstanceRecord> instances, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            RecordCalls++;
            if (FailNextRecord is { } failure)
            {
                FailNextRecord = null;
                throw failure;
            }

            foreach (var record in instances)
            {
                if (!_records.TryGetValue(record.SopInstanceUid, out var known))
                {
                    _records[record.SopInstanceUid] = record with { ImportOutcome = null };
                }
                else if (record.ReceivedAt >= known.ReceivedAt)
                {
                    var outcome = known.BatchId == record.BatchId ? known.ImportOutcome : null;
                    _records[record.SopInstanceUid] = record with { ImportOutcome = outcome };
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>How many times <see cref="RecordOutcomesAsync"/> was called.</summary>
    public int RecordOutcomesCalls { get; private set; }

    /// <summary>When set, the next <see cref="RecordOutcomesAsync"/> throws it and records nothing.</summary>
    public Exception? FailNextRecordOutcomes { get; set; }

    public Task RecordOutcomesAsync(IReadOnlyList<InstanceImportOutcome> outcomes, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            RecordOutcomesCalls++;
            if (FailNextRecordOutcomes is { } failure)
            {
                FailNextRecordOutcomes = null;
                throw failure;
            }

            foreach (var outcome in outcomes)
            {
                if (_records.TryGetValue(outcome.SopInstanceUid, out var known)
                    && known.BatchId == outcome.BatchId
                    && (known.ImportOutcome is null || outcome.RecordedAt >= known.ImportOutcome.RecordedAt))
                {
                    _records[outcome.SopInstanceUid] = known with { ImportOutcome = outcome };
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<ReceivedInstanceRecord?> FindAsync(string sopInstanceUid, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_records.GetValueOrDefault(sopInstanceUid));
        }
    }

    public Task<IReadOnlyList<ReceivedInstanceRecord>> ListByStudyAsync(string studyInstanceUid, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<ReceivedInstanceRecord> items = [.. _records.Values
                .Where(r => r.StudyInstanceUid == studyInstanceUid)
                .OrderBy(r => r.ReceivedAt)
                .ThenBy(r => r.SopInstanceUid, StringComparer.Ordinal)
                .Take(limit)];
            return Task.FromResult(items);
        }
    }
}
