using ImagingGateway.Application.Common.Ports;

namespace ImagingGateway.Application.Tests.InMemory;

/// <summary>The received-instance index in memory: all of a batch or nothing, latest received wins.</summary>
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
                if (!_records.TryGetValue(record.SopInstanceUid, out var known) || record.ReceivedAt >= known.ReceivedAt)
                {
                    _records[record.SopInstanceUid] = record;
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
