using Microsoft.Win32.SafeHandles;

namespace ImagingGateway.Infrastructure.Local.FileSystem.Journal;

/// <summary>The life of a segment: free (empty, current epoch) → active (taking appends) → sealed (waiting for its checkpoint) → free.</summary>
internal enum JournalSegmentState
{
    Free,
    Active,
    Sealed,
}

/// <summary>
/// One preallocated journal file. Its mutable fields are guarded by the journal's lock, except the handle and the
/// epoch, which only the checkpoint changes, while the segment is sealed and nobody writes to it.
/// </summary>
internal sealed class JournalSegment(int number, string path, SafeFileHandle handle, long capacity, byte[] epoch) : IDisposable
{
    public int Number { get; } = number;

    public string Path { get; } = path;

    public SafeFileHandle Handle { get; } = handle;

    public long Capacity { get; } = capacity;

    public byte[] Epoch { get; set; } = epoch;

    public JournalSegmentState State { get; set; } = JournalSegmentState.Free;

    /// <summary>Where the next record goes.</summary>
    public long Tail { get; set; } = JournalFormat.SegmentHeaderSize;

    /// <summary>Records reserved in this use of the segment, and how many of them are finished (materialized or failed).</summary>
    public int Appended { get; set; }

    public int Finished { get; set; }

    public long LastAppendTimestamp { get; set; }

    /// <summary>The keys recorded in this use (to release them from the live set at the checkpoint).</summary>
    public List<string> Keys { get; } = [];

    /// <summary>Final files and the directories to make durable, for file systems without syncfs.</summary>
    public HashSet<string> Files { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Directories { get; } = new(StringComparer.Ordinal);

    public bool IsEmpty => Appended == 0;

    public void Reset(byte[] epoch)
    {
        Epoch = epoch;
        Tail = JournalFormat.SegmentHeaderSize;
        Appended = 0;
        Finished = 0;
        Keys.Clear();
        Files.Clear();
        Directories.Clear();
        State = JournalSegmentState.Free;
    }

    public void Dispose() => Handle.Dispose();
}
