using ImagingGateway.Application.Common.Ports;

namespace ImagingGateway.Application.Tests.InMemory;

/// <summary>
/// The received-instance index in memory: all of a batch or nothing, latest received wins, an outcome kept only for
/// the receipt (batch) it names, a commitment kept per SOP instance (recorded or not) and shown on its record.
/// </summary>
public sealed class InMemoryReceivedInstanceIndex : IReceivedInstanceIndex
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ReceivedInstanceRecord> _records = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InstanceCommitment> _commitments = new(StringComparer.Ordinal);

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
                    _records[record.SopInstanceUid] = record with { ImportOutcome = null, Commitment = null };
                }
                else if (record.ReceivedAt >= known.ReceivedAt)
                {
                    var outcome = known.BatchId == record.BatchId ? known.ImportOutcome : null;
                    _records[record.SopInstanceUid] = record with { ImportOutcome = outcome, Commitment = null };
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>How many times <see cref="RecordOutcomesAsync"/> was called.</summary>
    public int RecordOutcomesCalls { get; private set; }

    /// <summary>When set, the next <see cref="RecordOutcomesAsync"/> throws it and records nothing.</summary>
    public Exception? FailNextRecordOutcomes { get; set; }

    public Task<IReadOnlyList<InstanceCommitment>> RecordOutcomesAsync(IReadOnlyList<InstanceImportOutcome> outcomes, CancellationToken cancellationToken)
    {
        var carried = new List<InstanceCommitment>();
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
                    if (_commitments.TryGetValue(outcome.SopInstanceUid, out var commitment))
                    {
                        carried.Add(commitment);
                    }
                }
            }
        }

        return Task.FromResult<IReadOnlyList<InstanceCommitment>>(carried);
    }

    /// <summary>When set, the next <see cref="RecordCommitmentsAsync"/> throws it and records nothing.</summary>
    public Exception? FailNextRecordCommitments { get; set; }

    /// <summary>The SOP instances a commitment is kept for, received or not yet.</summary>
    public IReadOnlyList<string> CommittedInstances
    {
        get
        {
            lock (_lock)
            {
                return [.. _commitments.Keys];
            }
        }
    }

    public Task<IReadOnlyList<InstanceImportOutcome>> RecordCommitmentsAsync(IReadOnlyList<InstanceCommitment> commitments, CancellationToken cancellationToken)
    {
        var outcomes = new List<InstanceImportOutcome>();
        lock (_lock)
        {
            if (FailNextRecordCommitments is { } failure)
            {
                FailNextRecordCommitments = null;
                throw failure;
            }

            foreach (var commitment in commitments)
            {
                if (_commitments.TryGetValue(commitment.SopInstanceUid, out var known) && known.ReportedAt > commitment.ReportedAt)
                {
                    continue;
                }

                _commitments[commitment.SopInstanceUid] = commitment;
                if (_records.TryGetValue(commitment.SopInstanceUid, out var record) && record.ImportOutcome is { } outcome)
                {
                    outcomes.Add(outcome);
                }
            }
        }

        return Task.FromResult<IReadOnlyList<InstanceImportOutcome>>(outcomes);
    }

    public Task<ReceivedInstanceRecord?> FindAsync(string sopInstanceUid, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_records.TryGetValue(sopInstanceUid, out var record) ? WithCommitment(record) : null);
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
                .Take(limit)
                .Select(WithCommitment)];
            return Task.FromResult(items);
        }
    }

    private ReceivedInstanceRecord WithCommitment(ReceivedInstanceRecord record) =>
        record with { Commitment = _commitments.GetValueOrDefault(record.SopInstanceUid) };
}
