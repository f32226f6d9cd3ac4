using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Batches;
using ImagingGateway.Domain.Dicom;
using ImagingGateway.Domain.Instances;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Application.Batches;

/// <summary>
/// The batches open in this process: which batch is current for which group (an association, or a calling AE, called
/// AE and study, per <see cref="GroupingPolicy"/>), each batch's open-batch marker write, and the lock that serialises
/// their lifecycle calls (many associations store at once). The lifecycle itself, sealed, pending, claimed, quiet and
/// the room for another instance, is <see cref="ImportBatch"/>'s: a batch is opened by the first <see cref="Reserve"/>
/// of its group, handed out exactly once to be closed when it is sealed with nothing in flight, and leaves the
/// registry when its manifest is written (<see cref="Remove"/>).
/// </summary>
public sealed class OpenBatchRegistry(IIdGenerator ids, TimeProvider time, IOptions<BatchingOptions> options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<BatchId, ImportBatch> _batches = [];
    private readonly Dictionary<BatchId, string> _groupOf = [];
    private readonly Dictionary<string, ImportBatch> _currentByGroup = new(StringComparer.Ordinal);
    private readonly Dictionary<BatchId, Task> _markers = [];

    public GroupingPolicy Policy => options.Value.Policy;

    /// <summary>Whether a store must know its Study Instance UID before it can take a place (<see cref="Reserve"/>).</summary>
    public bool GroupsByStudy => Policy == GroupingPolicy.PerCallingAeAndStudy;

    /// <summary>
    /// Takes a place for one instance in its group's current batch, opening a new batch when needed. The group is the
    /// association, or under <see cref="GroupingPolicy.PerCallingAeAndStudy"/> the AE titles and
    /// <paramref name="studyInstanceUid"/>, which that policy requires.
    /// </summary>
    public BatchReservation Reserve(string associationId, AeTitle callingAeTitle, AeTitle calledAeTitle, DicomUid? studyInstanceUid = null)
    {
        var settings = options.Value;
        var group = settings.Policy switch
        {
            GroupingPolicy.PerCallingAeAndStudy => string.Join('\\', callingAeTitle.Value, calledAeTitle.Value,
                (studyInstanceUid ?? throw new ArgumentNullException(nameof(studyInstanceUid), "PerCallingAeAndStudy groups by study")).Value),
            _ => associationId,
        };
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_currentByGroup.TryGetValue(group, out var current) && current.TryReserve())
            {
                current.Touch(now);
                return new BatchReservation(current);
            }

            // No current batch, or it is full counting stores in flight: the last of those closes it.
            _currentByGroup.Remove(group);
            var batch = new ImportBatch(ids.NewBatchId(), callingAeTitle, calledAeTitle, associationId, now, settings.Limits);
            _batches.Add(batch.Id, batch);
            _groupOf.Add(batch.Id, group);
            batch.Reserve();
            if (settings.Policy == GroupingPolicy.PerInstance)
            {
                batch.Seal();
            }
            else
            {
                _currentByGroup[group] = batch;
            }

            return new BatchReservation(batch);
        }
    }

    /// <summary>
    /// The write of the batch's open-batch marker: started by the first store about to commit an instance into the
    /// batch (with <paramref name="write"/>), shared by the others, and started again if it failed.
    /// </summary>
    public Task EnsureMarker(ImportBatch batch, Func<ImportBatch, Task> write)
    {
        lock (_lock)
        {
            if (!_markers.TryGetValue(batch.Id, out var marker) || marker.IsFaulted || marker.IsCanceled)
            {
                _markers[batch.Id] = marker = Task.Run(() => write(batch));
            }

            return marker;
        }
    }

    /// <summary>The batch's marker write if one was started (so a closer deletes the marker only once it is written).</summary>
    public Task? MarkerOf(BatchId batchId)
    {
        lock (_lock)
        {
            return _markers.GetValueOrDefault(batchId);
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
            if (!_batches.TryGetValue(reservation.Batch.Id, out var batch))
            {
                throw new InvalidOperationException($"batch {reservation.Batch.Id} left the registry while a store was in flight");
            }

            batch.Complete(instance);
            batch.Touch(time.GetUtcNow());
            if (batch.IsSealed)
            {
                RemoveCurrent(batch);
            }

            return batch.TryClaimForClose() ? batch : null;
        }
    }

    /// <summary>
    /// The association ended (released or aborted): seals all its batches and returns those to close now. A batch
    /// with stores still in flight is closed by the last of them (<see cref="Complete"/> returns it).
    /// </summary>
    public IReadOnlyList<ImportBatch> EndAssociation(string associationId)
    {
        if (GroupsByStudy)
        {
            // Batches outlive the associations that feed them; the quiet period closes them (ClaimQuiet).
            return [];
        }

        lock (_lock)
        {
            _currentByGroup.Remove(associationId);
            var ready = new List<ImportBatch>();
            foreach (var batch in _batches.Values.Where(b => b.AssociationId == associationId))
            {
                batch.Seal();
                if (batch.TryClaimForClose())
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
            if (!_batches.TryGetValue(batchId, out var batch))
            {
                return null;
            }

            batch.Seal();
            RemoveCurrent(batch);
            deferred = batch.Pending > 0;
            return batch.TryClaimForClose() ? batch : null;
        }
    }

    /// <summary>
    /// Seals every open batch that has been quiet for <paramref name="quietPeriod"/> (<see cref="ImportBatch.IsQuiet"/>)
    /// and returns them claimed for closing.
    /// </summary>
    public IReadOnlyList<ImportBatch> ClaimQuiet(TimeSpan quietPeriod)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var ready = new List<ImportBatch>();
            foreach (var batch in _batches.Values)
            {
                if (batch.IsQuiet(now, quietPeriod))
                {
                    batch.Seal();
                    RemoveCurrent(batch);
                    if (batch.TryClaimForClose())
                    {
                        ready.Add(batch);
                    }
                }
            }

            return ready;
        }
    }

    /// <summary>
    /// The gateway is stopping: seals every batch and returns those to close now; one with stores still in flight is
    /// closed by the last of them.
    /// </summary>
    public IReadOnlyList<ImportBatch> SealAll()
    {
        lock (_lock)
        {
            _currentByGroup.Clear();
            var ready = new List<ImportBatch>();
            foreach (var batch in _batches.Values)
            {
                batch.Seal();
                if (batch.TryClaimForClose())
                {
                    ready.Add(batch);
                }
            }

            return ready;
        }
    }

    /// <summary>Claims every sealed batch that nobody is closing (a close that failed earlier).</summary>
    public IReadOnlyList<ImportBatch> ClaimUnclosed()
    {
        lock (_lock)
        {
            var ready = new List<ImportBatch>();
            foreach (var batch in _batches.Values)
            {
                if (batch.TryClaimForClose())
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
            if (_batches.Remove(batchId, out var batch))
            {
                RemoveCurrent(batch);
                _groupOf.Remove(batchId);
                _markers.Remove(batchId);
            }
        }
    }

    /// <summary>Closing failed: the batch stays sealed and may be claimed again (see <see cref="ClaimUnclosed"/>).</summary>
    public void ReleaseClaim(BatchId batchId)
    {
        lock (_lock)
        {
            if (_batches.TryGetValue(batchId, out var batch))
            {
                batch.ReleaseClaim();
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

    /// <summary>
    /// An instance durably stored into a batch this process still holds (open, or being closed), or null: such an
    /// instance is not in the received-instance index until its batch's manifest is written.
    /// </summary>
    public ReceivedInstance? FindInstance(DicomUid sopInstanceUid)
    {
        lock (_lock)
        {
            foreach (var batch in _batches.Values)
            {
                if (batch.Find(sopInstanceUid) is { } instance)
                {
                    return instance;
                }
            }

            return null;
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

    private void RemoveCurrent(ImportBatch batch)
    {
        if (_groupOf.TryGetValue(batch.Id, out var group) && _currentByGroup.TryGetValue(group, out var current) && ReferenceEquals(current, batch))
        {
            _currentByGroup.Remove(group);
        }
    }
}
