using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Batches;
using ImagingGateway.Domain.Dicom;
using ImagingGateway.Domain.Instances;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Application.Batches;

/// <summary>
/// The batches open in this process, by association. Thread-safe: many associations store at once.
/// <para>
/// Life of a batch: opened by the first <see cref="Reserve"/> of an association (per <see cref="GroupingPolicy"/>);
/// <em>sealed</em> when it is full, when its association ends, or (PerInstance) after its one instance; once sealed
/// and with no store in flight it is handed out exactly once to be closed (<see cref="TryClaimForClose"/>), and it
/// leaves the registry when its manifest is written (<see cref="Remove"/>). A failed close gives the claim back
/// (<see cref="ReleaseClaim"/>) so recovery can try again.
/// </para>
/// </summary>
public sealed class OpenBatchRegistry(IIdGenerator ids, TimeProvider time, IOptions<BatchingOptions> options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<BatchId, Entry> _batches = [];
    private readonly Dictionary<string, Entry> _currentByAssociation = new(StringComparer.Ordinal);

    public GroupingPolicy Policy => options.Value.Policy;

    /// <summary>Takes a place for one instance in the association's current batch, opening a new batch when needed.</summary>
    public BatchReservation Reserve(string associationId, AeTitle callingAeTitle, AeTitle calledAeTitle)
    {
        var settings = options.Value;
        lock (_lock)
        {
            _currentByAssociation.TryGetValue(associationId, out var current);
            if (current is not null && (current.Sealed || !HasRoomForAnother(current, settings.Limits)))
            {
                // Full (counting stores in flight): no new instance joins; the last one in flight closes it.
                current.Sealed = true;
                _currentByAssociation.Remove(associationId);
                current = null;
            }

            if (current is null)
            {
                var batch = new ImportBatch(ids.NewBatchId(), callingAeTitle, calledAeTitle, associationId, time.GetUtcNow(), settings.Limits);
                current = new Entry(batch);
                _batches.Add(batch.Id, current);
                if (settings.Policy == GroupingPolicy.PerInstance)
                {
                    current.Sealed = true; // one instance, then closed
                }
                else
                {
                    _currentByAssociation[associationId] = current;
                }
            }

            current.Pending++;
            return new BatchReservation(current.Batch);
        }
    }

    /// <summary>
    /// Gives a reservation back, with the instance it stored (or null when nothing was stored). Returns the batch
    /// when it must now be closed (sealed, nothing in flight, and not yet claimed); the caller then closes it.
    /// </summary>
    public ImportBatch? Complete(BatchReservation reservation, ReceivedInstance? instance)
    {
        lock (_lock)
        {
            if (reservation.Completed)
            {
                throw new InvalidOperationException($"the reservation in batch {reservation.Batch.Id} was already completed");
            }

            reservation.Completed = true;
            if (!_batches.TryGetValue(reservation.Batch.Id, out var entry))
            {
                throw new InvalidOperationException($"batch {reservation.Batch.Id} left the registry while a store was in flight");
            }

            entry.Pending--;
            if (instance is not null && !IsOlderDuplicate(entry.Batch, instance))
            {
                entry.Batch.Add(instance);
                entry.LargestInstance = Math.Max(entry.LargestInstance, instance.Size);
            }

            if (!entry.Sealed && !HasRoomForAnother(entry, entry.Batch.Limits))
            {
                entry.Sealed = true;
                RemoveCurrent(entry);
            }

            return ClaimIfReady(entry);
        }
    }

    /// <summary>
    /// The association ended (released or aborted): seals all its batches and returns those to close now. A batch
    /// with stores still in flight is closed by the last of them (<see cref="Complete"/> returns it).
    /// </summary>
    public IReadOnlyList<ImportBatch> EndAssociation(string associationId)
    {
        lock (_lock)
        {
            _currentByAssociation.Remove(associationId);
            var ready = new List<ImportBatch>();
            foreach (var entry in _batches.Values.Where(e => e.Batch.AssociationId == associationId).ToList())
            {
                entry.Sealed = true;
                if (ClaimIfReady(entry) is { } batch)
                {
                    ready.Add(batch);
                }
            }

            return ready;
        }
    }

    /// <summary>
    /// Seals the batch and claims it for closing if nothing is in flight. Returns null when the batch is not in the
    /// registry (absent or already closed), is already being closed, or still has stores in flight (then the last
    /// of them closes it); <paramref name="deferred"/> tells the last case apart.
    /// </summary>
    public ImportBatch? TryClaimForClose(BatchId batchId, out bool deferred)
    {
        lock (_lock)
        {
            deferred = false;
            if (!_batches.TryGetValue(batchId, out var entry))
            {
                return null;
            }

            entry.Sealed = true;
            RemoveCurrent(entry);
            deferred = entry.Pending > 0;
            return ClaimIfReady(entry);
        }
    }

    /// <summary>Claims every sealed batch that nobody is closing (a close that failed earlier).</summary>
    public IReadOnlyList<ImportBatch> ClaimUnclosed()
    {
        lock (_lock)
        {
            var ready = new List<ImportBatch>();
            foreach (var entry in _batches.Values.ToList())
            {
                if (entry.Sealed && ClaimIfReady(entry) is { } batch)
                {
                    ready.Add(batch);
                }
            }

            return ready;
        }
    }

    /// <summary>The batch was closed (or was empty): it leaves the registry.</summary>
    public void Remove(BatchId batchId)
    {
        lock (_lock)
        {
            if (_batches.Remove(batchId, out var entry))
            {
                RemoveCurrent(entry);
            }
        }
    }

    /// <summary>Closing failed: the batch stays sealed and may be claimed again (see <see cref="ClaimUnclosed"/>).</summary>
    public void ReleaseClaim(BatchId batchId)
    {
        lock (_lock)
        {
            if (_batches.TryGetValue(batchId, out var entry))
            {
                entry.Claimed = false;
            }
        }
    }

    /// <summary>Whether this process holds the batch (open, or being closed). Recovery leaves such batches alone.</summary>
    public bool Contains(BatchId batchId)
    {
        lock (_lock)
        {
            return _batches.ContainsKey(batchId);
        }
    }

    /// <summary>How many batches this process holds.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _batches.Count;
            }
        }
    }

    // A batch takes another instance while it is under the file limit counting stores in flight, and while the
    // next instance, if it is no larger than the largest so far, keeps it within the byte limit. The size of an
    // instance is known only once it is stored, so a larger one can still take a batch over the byte limit.
    private static bool HasRoomForAnother(Entry entry, BatchLimits limits) =>
        entry.Batch.Instances.Count + entry.Pending < limits.MaxFiles
        && entry.Batch.TotalBytes + entry.LargestInstance <= limits.MaxBytes;

    // The same SOP instance stored twice at once overwrites one key: the later commit is what the store holds, so
    // an earlier one completing last must not replace its facts (the manifest's size would not match the object).
    private static bool IsOlderDuplicate(ImportBatch batch, ReceivedInstance instance) =>
        batch.Find(instance.SopInstanceUid) is { } existing && existing.ReceivedAt > instance.ReceivedAt;

    private ImportBatch? ClaimIfReady(Entry entry)
    {
        if (!entry.Sealed || entry.Pending > 0 || entry.Claimed)
        {
            return null;
        }

        entry.Claimed = true;
        return entry.Batch;
    }

    private void RemoveCurrent(Entry entry)
    {
        if (_currentByAssociation.TryGetValue(entry.Batch.AssociationId, out var current) && ReferenceEquals(current, entry))
        {
            _currentByAssociation.Remove(entry.Batch.AssociationId);
        }
    }

    private sealed class Entry(ImportBatch batch)
    {
        public ImportBatch Batch { get; } = batch;

        public int Pending { get; set; }

        public bool Sealed { get; set; }

        public bool Claimed { get; set; }

        public long LargestInstance { get; set; }
    }
}
