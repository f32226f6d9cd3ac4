namespace ImagingGateway.Infrastructure.Local.FileSystem.Journal;

/// <summary>Settings of the store's write-ahead journal (<see cref="InstanceJournal"/>).</summary>
public sealed class JournalOptions
{
    /// <summary>Commit objects through the journal (only when the store is durable). Off: every object pays its own fsyncs.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Size of one preallocated segment file under <c>.journal/</c>.</summary>
    public long SegmentBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// The most segments (disk used: <see cref="MaxSegments"/> × <see cref="SegmentBytes"/>). Segments are created as
    /// needed; when all wait for their checkpoint, commits wait (backpressure).
    /// </summary>
    public int MaxSegments { get; set; } = 8;

    /// <summary>
    /// Larger objects are committed with their own fsyncs, not through the journal. Those are written back while they
    /// arrive, so their fsync has little left to do, whereas a journal record is written whole at commit; past about
    /// one upload buffer (256 KiB) the journal's second copy costs more than the two file-system commits it saves
    /// (docs/performance.md, C-STORE throughput).
    /// </summary>
    public long MaxObjectBytes { get; set; } = 256L * 1024;

    /// <summary>After this long without a commit, the active segment is checkpointed.</summary>
    public TimeSpan IdleCheckpointDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a commit waits for a free segment before it fails (A700 for the sender).</summary>
    public TimeSpan SegmentWaitTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Throws, naming the setting, when the values cannot work together.</summary>
    public void Validate()
    {
        if (SegmentBytes < 1024 * 1024)
        {
            throw new ArgumentException($"Journal:SegmentBytes must be at least 1 MiB (was {SegmentBytes})", nameof(SegmentBytes));
        }

        if (MaxSegments < 2)
        {
            throw new ArgumentException($"Journal:MaxSegments must be at least 2 (was {MaxSegments})", nameof(MaxSegments));
        }

        if (MaxObjectBytes < 0 || JournalFormat.RecordSize(new string('k', ObjectKeyValidator.MaxKeyLength), MaxObjectBytes) > SegmentBytes - JournalFormat.SegmentHeaderSize)
        {
            throw new ArgumentException($"Journal:MaxObjectBytes ({MaxObjectBytes}) must leave room for a record in one segment of Journal:SegmentBytes ({SegmentBytes})", nameof(MaxObjectBytes));
        }

        if (IdleCheckpointDelay <= TimeSpan.Zero || SegmentWaitTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("Journal:IdleCheckpointDelay and Journal:SegmentWaitTimeout must be positive");
        }
    }
}
