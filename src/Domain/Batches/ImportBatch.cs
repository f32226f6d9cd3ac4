using ImagingGateway.Domain.Common;
using ImagingGateway.Domain.Dicom;
using ImagingGateway.Domain.Instances;

namespace ImagingGateway.Domain.Batches;

/// <summary>
/// The unit that becomes one import job: the instances stored under one prefix, bounded by <see cref="BatchLimits"/>.
/// <para>
/// Life of a batch: stores take places in it (<see cref="TryReserve"/>) and give them back with what they stored
/// (<see cref="Complete"/>); it is <em>sealed</em> when it has no room for another instance or its owner says so
/// (<see cref="Seal"/>), and a sealed batch with nothing in flight is <em>claimed</em> exactly once for closing
/// (<see cref="TryClaimForClose"/>), given back if closing fails (<see cref="ReleaseClaim"/>), and <em>closed</em> when
/// its manifest is written. Not thread-safe: its owner serialises the calls.
/// </para>
/// </summary>
public sealed class ImportBatch
{
    private readonly List<ReceivedInstance> _instances = [];
    private readonly Dictionary<DicomUid, int> _indexBySopInstanceUid = [];

    public ImportBatch(BatchId id, AeTitle callingAeTitle, AeTitle calledAeTitle, string associationId, DateTimeOffset openedAt, BatchLimits limits)
    {
        Id = id;
        CallingAeTitle = callingAeTitle;
        CalledAeTitle = calledAeTitle;
        AssociationId = associationId;
        OpenedAt = openedAt;
        LastActivityAt = openedAt;
        Limits = limits;
    }

    public BatchId Id { get; }

    public AeTitle CallingAeTitle { get; }

    public AeTitle CalledAeTitle { get; }

    public string AssociationId { get; }

    public DateTimeOffset OpenedAt { get; }

    public DateTimeOffset? ClosedAt { get; private set; }

    /// <summary>When a store last took or gave back a place in the batch (see <see cref="IsQuiet"/>).</summary>
    public DateTimeOffset LastActivityAt { get; private set; }

    public BatchLimits Limits { get; }

    /// <summary>Where every instance of the batch is stored; ends with '/'.</summary>
    public string InputPrefix => ObjectKeys.BatchPrefix(Id);

    public IReadOnlyList<ReceivedInstance> Instances => _instances;

    public long TotalBytes { get; private set; }

    public bool IsClosed => ClosedAt is not null;

    /// <summary>Stores that hold a place in the batch and have not completed yet.</summary>
    public int Pending { get; private set; }

    /// <summary>No new store joins a sealed batch; it closes once the stores in flight complete.</summary>
    public bool IsSealed { get; private set; }

    /// <summary>Someone is closing the batch (its manifest is being written).</summary>
    public bool IsClaimed { get; private set; }

    /// <summary>The largest instance so far: the size the next one is assumed to have, since a size is known only once stored.</summary>
    public long LargestInstance { get; private set; }

    /// <summary>
    /// Whether another instance fits: under the file limit counting stores in flight, and within the byte limit if the
    /// next one is no larger than <see cref="LargestInstance"/>. An empty batch takes any one instance, so a single
    /// instance larger than the byte limit still gets a batch of its own.
    /// </summary>
    public bool HasRoomForAnother =>
        _instances.Count + Pending < Limits.MaxFiles && TotalBytes + LargestInstance <= Limits.MaxBytes;

    /// <summary>Takes a place for one store; false (sealing the batch if it is full) when no further instance may join.</summary>
    public bool TryReserve()
    {
        if (!IsSealed && !HasRoomForAnother)
        {
            IsSealed = true;
        }

        if (IsSealed || IsClosed)
        {
            return false;
        }

        Pending++;
        return true;
    }

    /// <summary>Takes a place for one store in a batch that must have room (a batch just opened).</summary>
    public void Reserve()
    {
        if (!TryReserve())
        {
            throw new DomainException($"batch {Id} takes no further instance", "batchId");
        }
    }

    /// <summary>Gives a place back with the instance its store wrote (null when nothing was stored); seals a full batch.</summary>
    public void Complete(ReceivedInstance? instance)
    {
        if (Pending == 0)
        {
            throw new DomainException($"batch {Id} has no store in flight", "batchId");
        }

        Pending--;
        if (instance is not null)
        {
            Add(instance);
        }

        if (!HasRoomForAnother)
        {
            IsSealed = true;
        }
    }

    public void Seal() => IsSealed = true;

    /// <summary>Records that a store took or gave back a place now; the quiet period counts from the latest.</summary>
    public void Touch(DateTimeOffset now)
    {
        if (now > LastActivityAt)
        {
            LastActivityAt = now;
        }
    }

    /// <summary>
    /// Open, with nothing in flight and no store for <paramref name="quietPeriod"/>: a batch coalescing associations
    /// (<see cref="GroupingPolicy.PerCallingAeAndStudy"/>) is then sealed, since its sender has most likely finished.
    /// </summary>
    public bool IsQuiet(DateTimeOffset now, TimeSpan quietPeriod) =>
        !IsSealed && !IsClosed && Pending == 0 && now - LastActivityAt >= quietPeriod;

    /// <summary>Claims the batch for closing when it is sealed, nothing is in flight and nobody claimed it yet.</summary>
    public bool TryClaimForClose()
    {
        if (!IsSealed || Pending > 0 || IsClaimed || IsClosed)
        {
            return false;
        }

        IsClaimed = true;
        return true;
    }

    /// <summary>Closing failed: the batch stays sealed and may be claimed again.</summary>
    public void ReleaseClaim() => IsClaimed = false;

    public string KeyFor(DicomUid sopInstanceUid) => ObjectKeys.Instance(Id, sopInstanceUid);

    public void Add(ReceivedInstance instance)
    {
        if (IsClosed)
        {
            throw new DomainException($"batch {Id} is closed", "batchId");
        }

        if (instance.BatchId != Id)
        {
            throw new DomainException($"instance belongs to batch {instance.BatchId}, not {Id}", "batchId");
        }

        // A duplicate SOP instance in one batch overwrote the same key: count it once and keep the facts of the later
        // commit, which is what the store holds, even when an earlier store completes last.
        if (_indexBySopInstanceUid.TryGetValue(instance.SopInstanceUid, out var existing))
        {
            if (_instances[existing].ReceivedAt > instance.ReceivedAt)
            {
                return;
            }

            TotalBytes -= _instances[existing].Size;
            _instances[existing] = instance;
        }
        else
        {
            _indexBySopInstanceUid.Add(instance.SopInstanceUid, _instances.Count);
            _instances.Add(instance);
        }

        TotalBytes += instance.Size;
        LargestInstance = Math.Max(LargestInstance, instance.Size);
    }

    /// <summary>The instance of the batch with this SOP Instance UID, if any.</summary>
    public ReceivedInstance? Find(DicomUid sopInstanceUid) =>
        _indexBySopInstanceUid.TryGetValue(sopInstanceUid, out var index) ? _instances[index] : null;

    public void Close(DateTimeOffset closedAt)
    {
        ClosedAt ??= closedAt;
    }
}
