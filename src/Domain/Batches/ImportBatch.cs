using ImagingGateway.Domain.Common;
using ImagingGateway.Domain.Dicom;
using ImagingGateway.Domain.Instances;

namespace ImagingGateway.Domain.Batches;

/// <summary>
/// The unit that becomes one import job: the instances stored under one prefix, bounded by <see cref="BatchLimits"/>.
/// A batch is open until it is closed; a closed batch never takes another instance.
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
        Limits = limits;
    }

    public BatchId Id { get; }

    public AeTitle CallingAeTitle { get; }

    public AeTitle CalledAeTitle { get; }

    public string AssociationId { get; }

    public DateTimeOffset OpenedAt { get; }

    public DateTimeOffset? ClosedAt { get; private set; }

    public BatchLimits Limits { get; }

    /// <summary>Where every instance of the batch is stored; ends with '/'.</summary>
    public string InputPrefix => ObjectKeys.BatchPrefix(Id);

    public IReadOnlyList<ReceivedInstance> Instances => _instances;

    public long TotalBytes { get; private set; }

    public bool IsClosed => ClosedAt is not null;

    /// <summary>True when no further instance fits: the file limit or the byte limit is reached.</summary>
    public bool IsFull => _instances.Count >= Limits.MaxFiles || TotalBytes >= Limits.MaxBytes;

    /// <summary>Whether an instance of <paramref name="size"/> bytes may still join. An empty batch takes any one instance.</summary>
    public bool CanAccept(long size) =>
        !IsClosed && (_instances.Count == 0 || (_instances.Count < Limits.MaxFiles && TotalBytes + size <= Limits.MaxBytes));

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

        // A duplicate SOP instance in one batch overwrote the same key: count it once, keep the newest facts.
        if (_indexBySopInstanceUid.TryGetValue(instance.SopInstanceUid, out var existing))
        {
            TotalBytes -= _instances[existing].Size;
            _instances[existing] = instance;
        }
        else
        {
            _indexBySopInstanceUid.Add(instance.SopInstanceUid, _instances.Count);
            _instances.Add(instance);
        }

        TotalBytes += instance.Size;
    }

    /// <summary>The instance of the batch with this SOP Instance UID, if any.</summary>
    public ReceivedInstance? Find(DicomUid sopInstanceUid) =>
        _indexBySopInstanceUid.TryGetValue(sopInstanceUid, out var index) ? _instances[index] : null;

    public void Close(DateTimeOffset closedAt)
    {
        ClosedAt ??= closedAt;
    }
}
