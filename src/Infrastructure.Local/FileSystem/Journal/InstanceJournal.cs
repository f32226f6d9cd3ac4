using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace ImagingGateway.Infrastructure.Local.FileSystem.Journal;

/// <summary>
/// The write-ahead journal of the file-system store: how a committed instance becomes durable with one data flush of
/// a preallocated file instead of a new file's fsync, a rename and a directory fsync (two file-system journal commits
/// each). A commit copies the object's bytes (in the kernel) into the active segment behind a record header, flushes
/// the segment's data (fdatasync, shared by every commit waiting at the same time), and only then is the object
/// renamed into place, without a flush of its own. A checkpoint later makes the renamed files durable together
/// (syncfs) and frees their segments. After a crash, <see cref="Recover"/> rewrites every object recorded since the
/// last checkpoint from the journal, so whatever was acknowledged is there, byte for byte.
/// Objects larger than <see cref="JournalOptions.MaxObjectBytes"/> do not pass through the journal (their own
/// flush costs little next to their size); a record of type <see cref="JournalRecordType.Direct"/> then stops an older
/// journaled version of the same key from being replayed over them.
/// </summary>
internal sealed class InstanceJournal : IDisposable
{
    public const string FolderName = ".journal";
    private const string SegmentPrefix = "segment-";
    private const string SegmentSuffix = ".wal";

    private readonly JournalOptions _options;
    private readonly string _root;
    private readonly Action<IEnumerable<string>> _markDirectoriesDurable;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly List<JournalSegment> _segments = [];
    private readonly Queue<JournalSegment> _free = new();
    private readonly Queue<JournalSegment> _sealed = new();
    private readonly Dictionary<string, int> _live = new(StringComparer.Ordinal);
    private readonly object _syncGate = new();
    private readonly Thread _checkpointThread;
    private JournalSegment? _active;
    private SyncGroup? _nextGroup;
    private bool _syncing;
    private bool _creating;
    private bool _disposed;
    private long _sequence;
    private TaskCompletionSource _segmentFreed = NewSignal();
    private long _checkpoints;
    private long _flushes;

    private InstanceJournal(string root, JournalOptions options, Action<IEnumerable<string>> markDirectoriesDurable, ILogger logger)
    {
        _root = root;
        _options = options;
        _markDirectoriesDurable = markDirectoriesDurable;
        _logger = logger;
        Folder = Path.Combine(root, FolderName);
        _checkpointThread = new Thread(CheckpointLoop) { IsBackground = true, Name = "fs-journal-checkpoint" };
    }

    public string Folder { get; }

    /// <summary>Checkpoints done, and data flushes of the journal (commits / flushes = the sharing achieved).</summary>
    public (long Checkpoints, long Flushes) Statistics => (Interlocked.Read(ref _checkpoints), Interlocked.Read(ref _flushes));

    /// <summary>Replaces the data flush of a segment (<see cref="FileSystemStoreDiagnostics"/>: a slow disk, made deterministic).</summary>
    public Action<SafeFileHandle>? FlushOverride { get; set; }

    /// <summary>Whether an object of this size is committed through the journal.</summary>
    public bool Accepts(long size) => size <= _options.MaxObjectBytes;

    /// <summary>
    /// Opens the journal below <paramref name="root"/>: replays what the last run recorded but did not checkpoint
    /// (through <paramref name="materialize"/>), makes it durable, and starts afresh.
    /// </summary>
    /// <exception cref="IOException">The journal holds a <see cref="JournalRecordType.Delete"/> record that decides its key.</exception>
    public static InstanceJournal Open(
        string root,
        JournalOptions options,
        Func<string, JournalSegment, JournalRecordHeader, string> materialize,
        Action<IEnumerable<string>> markDirectoriesDurable,
        ILogger logger)
    {
        options.Validate();
        var journal = new InstanceJournal(root, options, markDirectoriesDurable, logger);
        Directory.CreateDirectory(journal.Folder);
        try
        {
            journal.Recover(materialize);
        }
        catch
        {
            foreach (var segment in journal._segments)
            {
                segment.Dispose();
            }

            throw;
        }

        journal._checkpointThread.Start();
        return journal;
    }

    /// <summary>
    /// Records <paramref name="length"/> bytes of <paramref name="source"/> as the object <paramref name="key"/> and
    /// returns once they are durable in the journal. The caller then puts the object in place and calls
    /// <see cref="Finish"/> with the returned entry, whatever happens. <paramref name="sha256"/> is the bytes' SHA-256
    /// when the caller has it at hand (an upload that fit its buffer); otherwise they are read back and hashed here.
    /// </summary>
    public async Task<JournalEntry> AppendAsync(string key, SafeFileHandle source, long length, byte[]? sha256, CancellationToken cancellationToken)
    {
        sha256 ??= JournalFormat.PayloadSha256(source, 0, length)
            ?? throw new IOException($"the file to journal as '{key}' ended before its {length} bytes");
        var (segment, offset, sequence) = await ReserveAsync(key, JournalFormat.RecordSize(key, length), cancellationToken).ConfigureAwait(false);
        var entry = new JournalEntry(segment);
        try
        {
            var header = JournalFormat.EncodeRecordHeader(segment.Epoch, sequence, JournalRecordType.Payload, key, length, sha256);
            RandomAccess.Write(segment.Handle, header, offset);
            NativeFileOperations.Copy(source, 0, segment.Handle, offset + header.Length, length);
            await FlushAsync(segment).ConfigureAwait(false);
            return entry;
        }
        catch
        {
            Finish(entry, null, []);
            throw;
        }
    }

    /// <summary>
    /// Records that <paramref name="key"/> was written durably outside the journal when an older version of it is still
    /// in the journal (otherwise there is nothing to record). Returns once that is durable.
    /// </summary>
    public async Task RecordDirectAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_live.ContainsKey(key))
            {
                return;
            }
        }

        var (segment, offset, sequence) = await ReserveAsync(key, JournalFormat.RecordSize(key, 0), cancellationToken).ConfigureAwait(false);
        var entry = new JournalEntry(segment);
        try
        {
            var header = JournalFormat.EncodeRecordHeader(segment.Epoch, sequence, JournalRecordType.Direct, key, 0, new byte[32]);
            RandomAccess.Write(segment.Handle, header, offset);
            await FlushAsync(segment).ConfigureAwait(false);
        }
        finally
        {
            Finish(entry, null, []);
        }
    }

    /// <summary>The record of <paramref name="entry"/> is done with: its object is in place at <paramref name="finalPath"/> (or the commit failed).</summary>
    public void Finish(JournalEntry entry, string? finalPath, IEnumerable<string> directories)
    {
        if (!entry.TryFinish())
        {
            return;
        }

        var segment = entry.Segment;
        var wake = false;
        lock (_gate)
        {
            if (finalPath is not null)
            {
                segment.Files.Add(finalPath);
            }

            foreach (var directory in directories)
            {
                segment.Directories.Add(directory);
            }

            segment.Finished++;
            wake = segment.State == JournalSegmentState.Sealed && segment.Finished == segment.Appended;
        }

        if (wake)
        {
            WakeCheckpoint();
        }
    }

    /// <summary>Seals the active segment and waits until everything recorded so far is checkpointed (tests, shutdown).</summary>
    public void Checkpoint()
    {
        lock (_gate)
        {
            if (_active is { IsEmpty: false } active)
            {
                Seal(active);
            }
        }

        WakeCheckpoint();
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 60;
        while (true)
        {
            lock (_gate)
            {
                if (_sealed.Count == 0 || _disposed)
                {
                    return;
                }

                if (Stopwatch.GetTimestamp() > deadline)
                {
                    throw new TimeoutException("the journal checkpoint did not finish within 60 s");
                }

                Monitor.Wait(_gate, TimeSpan.FromMilliseconds(50));
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
        }

        try
        {
            // A clean stop leaves nothing to replay (a crash would: that is what the journal is for).
            Checkpoint();
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or UnauthorizedAccessException)
        {
            _logger.LogWarning(ex, "the journal could not be checkpointed at shutdown; it is replayed at the next start");
        }

        Abandon();
    }

    /// <summary>
    /// Stops the checkpoint thread and closes the segments, without a checkpoint: on its own as a crash would (tests;
    /// what was recorded is replayed by the next <see cref="Open"/>), and as the last step of <see cref="Dispose"/>.
    /// </summary>
    internal void Abandon()
    {
        lock (_gate)
        {
            _disposed = true;
            Monitor.PulseAll(_gate);
            _segmentFreed.TrySetException(new ObjectDisposedException(nameof(InstanceJournal), "the store is shutting down"));
        }

        _checkpointThread.Join(TimeSpan.FromSeconds(30));
        foreach (var segment in _segments)
        {
            segment.Dispose();
        }
    }

    private async Task<(JournalSegment Segment, long Offset, long Sequence)> ReserveAsync(string key, long size, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(_options.SegmentWaitTimeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            Task freed;
            var create = false;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                var segment = _active;
                if (segment is not null && segment.Tail + size > segment.Capacity)
                {
                    Seal(segment);
                    segment = null;
                }

                if (segment is null && _free.TryDequeue(out var next))
                {
                    next.State = JournalSegmentState.Active;
                    _active = segment = next;
                }

                if (segment is not null)
                {
                    var offset = segment.Tail;
                    segment.Tail += size;
                    segment.Appended++;
                    segment.Keys.Add(key);
                    segment.LastAppendTimestamp = Stopwatch.GetTimestamp();
                    _live[key] = _live.GetValueOrDefault(key) + 1;
                    return (segment, offset, ++_sequence);
                }

                if (!_creating && _segments.Count < _options.MaxSegments)
                {
                    _creating = create = true;
                }

                freed = _segmentFreed.Task;
            }

            if (create)
            {
                try
                {
                    var segment = CreateSegment(NextSegmentNumber());
                    lock (_gate)
                    {
                        _segments.Add(segment);
                        _free.Enqueue(segment);
                    }
                }
                finally
                {
                    lock (_gate)
                    {
                        _creating = false;
                    }
                }

                continue;
            }

            // Every segment waits for its checkpoint: writers wait (backpressure), up to a limit.
            WakeCheckpoint();
            var remaining = deadline - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                throw new IOException($"the store's journal is full and its checkpoint has not freed a segment within {_options.SegmentWaitTimeout.TotalSeconds:0} s");
            }

            try
            {
                await freed.WaitAsync(TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // checked at the top of the next round
            }
        }
    }

    private int NextSegmentNumber()
    {
        lock (_gate)
        {
            var used = _segments.Select(s => s.Number).ToHashSet();
            var n = 0;
            while (used.Contains(n))
            {
                n++;
            }

            return n;
        }
    }

    /// <summary>
    /// Group commit: a writer that finds no flush running flushes its segment itself; writers arriving meanwhile form
    /// the next group, whose first member then flushes for all of them, and so on. One fdatasync serves every record
    /// written before it started, and a lone writer pays no thread hop.
    /// </summary>
    private async Task FlushAsync(JournalSegment segment)
    {
        var self = new SyncWaiter(segment);
        SyncGroup? group = null;
        lock (_syncGate)
        {
            if (_syncing)
            {
                group = _nextGroup ??= new SyncGroup();
                group.Waiters.Add(self);
            }
            else
            {
                _syncing = true;
            }
        }

        if (group is null)
        {
            LeadFlush([self]);
        }
        else if (await self.Done.Task.ConfigureAwait(false))
        {
            LeadFlush(group.Waiters); // this writer is the group's first: it flushes for all of them
        }

        self.Error?.Throw();
    }

    /// <summary>Flushes the segments of <paramref name="waiters"/> (the first is the caller), releases the others, hands over.</summary>
    private void LeadFlush(List<SyncWaiter> waiters)
    {
        foreach (var segment in waiters.Select(w => w.Segment).Distinct())
        {
            ExceptionDispatchInfo? error = null;
            try
            {
                (FlushOverride ?? NativeFileOperations.FlushData)(segment.Handle);
                Interlocked.Increment(ref _flushes);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                error = ExceptionDispatchInfo.Capture(ex);
            }

            foreach (var waiter in waiters)
            {
                if (ReferenceEquals(waiter.Segment, segment))
                {
                    waiter.Error = error;
                }
            }
        }

        for (var i = 1; i < waiters.Count; i++)
        {
            waiters[i].Done.TrySetResult(false);
        }

        SyncGroup? next;
        lock (_syncGate)
        {
            next = _nextGroup;
            _nextGroup = null;
            _syncing = next is not null;
        }

        next?.Waiters[0].Done.TrySetResult(true);
    }

    private void Seal(JournalSegment segment)
    {
        // under _gate
        segment.State = JournalSegmentState.Sealed;
        _sealed.Enqueue(segment);
        if (ReferenceEquals(_active, segment))
        {
            _active = null;
        }

        Monitor.PulseAll(_gate);
    }

    private void WakeCheckpoint()
    {
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }
    }

    private void CheckpointLoop()
    {
        var idleTicks = (long)(_options.IdleCheckpointDelay.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            List<JournalSegment> batch = [];
            lock (_gate)
            {
                while (!_disposed)
                {
                    if (_active is { IsEmpty: false } active && Stopwatch.GetTimestamp() - active.LastAppendTimestamp >= idleTicks)
                    {
                        Seal(active);
                    }

                    // In order: a segment is freed only after every older one (replay relies on it).
                    foreach (var segment in _sealed)
                    {
                        if (segment.Finished != segment.Appended)
                        {
                            break;
                        }

                        batch.Add(segment);
                    }

                    if (batch.Count > 0)
                    {
                        break;
                    }

                    Monitor.Wait(_gate, _sealed.Count > 0 ? TimeSpan.FromMilliseconds(20) : _options.IdleCheckpointDelay / 2);
                }

                if (_disposed)
                {
                    return;
                }
            }

            try
            {
                CheckpointSegments(batch);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                _logger.LogError(ex, "journal checkpoint failed; it is retried (nothing is lost: the journal still holds the objects)");
                Thread.Sleep(TimeSpan.FromSeconds(1));
            }
        }
    }

    private void CheckpointSegments(List<JournalSegment> batch)
    {
        var files = batch.SelectMany(s => s.Files).ToHashSet(StringComparer.Ordinal);
        var directories = batch.SelectMany(s => s.Directories).ToHashSet(StringComparer.Ordinal);
        NativeFileOperations.FlushFileSystem(_root, files, directories);
        _markDirectoriesDurable(directories);
        foreach (var segment in batch)
        {
            var epoch = RandomNumberGenerator.GetBytes(16);
            RandomAccess.Write(segment.Handle, JournalFormat.EncodeSegmentHeader(segment.Number, epoch), 0);
            NativeFileOperations.FlushData(segment.Handle);
            lock (_gate)
            {
                foreach (var key in segment.Keys)
                {
                    if (_live.TryGetValue(key, out var count))
                    {
                        if (count <= 1)
                        {
                            _live.Remove(key);
                        }
                        else
                        {
                            _live[key] = count - 1;
                        }
                    }
                }

                segment.Reset(epoch);
                _ = _sealed.Dequeue();
                _free.Enqueue(segment);
                var freed = _segmentFreed;
                _segmentFreed = NewSignal();
                freed.TrySetResult();
                Monitor.PulseAll(_gate);
            }
        }

        Interlocked.Increment(ref _checkpoints);
    }

    private JournalSegment CreateSegment(int number)
    {
        var path = Path.Combine(Folder, $"{SegmentPrefix}{number:D4}{SegmentSuffix}");
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None, _options.SegmentBytes);
        try
        {
            if (RandomAccess.GetLength(handle) < _options.SegmentBytes)
            {
                RandomAccess.SetLength(handle, _options.SegmentBytes);
            }

            var epoch = RandomNumberGenerator.GetBytes(16);
            RandomAccess.Write(handle, JournalFormat.EncodeSegmentHeader(number, epoch), 0);
            RandomAccess.FlushToDisk(handle);
            DirectorySync.Flush(Folder);
            return new JournalSegment(number, path, handle, _options.SegmentBytes, epoch);
        }
        catch
        {
            handle.Dispose();
            File.Delete(path);
            throw;
        }
    }

    private void Recover(Func<string, JournalSegment, JournalRecordHeader, string> materialize)
    {
        var records = new List<(JournalSegment Segment, JournalRecordHeader Header)>();
        foreach (var path in Directory.EnumerateFiles(Folder, SegmentPrefix + "*" + SegmentSuffix).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (!int.TryParse(name.AsSpan(SegmentPrefix.Length, name.Length - SegmentPrefix.Length - SegmentSuffix.Length), out var number))
            {
                continue;
            }

            var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            var length = RandomAccess.GetLength(handle);
            if (length < _options.SegmentBytes)
            {
                RandomAccess.SetLength(handle, _options.SegmentBytes);
            }

            var segment = new JournalSegment(number, path, handle, Math.Max(length, _options.SegmentBytes), new byte[16]);
            _segments.Add(segment);
            var header = new byte[JournalFormat.SegmentHeaderSize];
            if (RandomAccess.Read(handle, header, 0) == header.Length && JournalFormat.DecodeSegmentEpoch(header) is { } epoch)
            {
                records.AddRange(JournalScanner.Scan(handle, epoch, length).Select(h => (segment, h)));
            }
        }

        // The newest record of each key decides it; replayed oldest first.
        var latest = new Dictionary<string, (JournalSegment Segment, JournalRecordHeader Header)>(StringComparer.Ordinal);
        foreach (var record in records.OrderBy(r => r.Header.Sequence))
        {
            latest[record.Header.Key] = record;
            _sequence = Math.Max(_sequence, record.Header.Sequence);
        }

        // Checked before anything is replayed, so a refused journal leaves the root as it found it.
        if (latest.Values.FirstOrDefault(r => r.Header.Type == JournalRecordType.Delete) is { Header.Key: { } deleted })
        {
            throw new IOException(
                $"the journal in {Folder} ends with a delete of '{deleted}', which this version cannot replay (its store has no delete); "
                + "start the version that wrote it once, so that it replays and checkpoints its journal, then this one");
        }

        var files = new HashSet<string>(StringComparer.Ordinal);
        var directories = new HashSet<string>(StringComparer.Ordinal);
        var replayed = 0;
        foreach (var (segment, header) in latest.Values.OrderBy(r => r.Header.Sequence))
        {
            if (header.Type == JournalRecordType.Payload)
            {
                var finalPath = materialize(header.Key, segment, header);
                files.Add(finalPath);
                directories.Add(Path.GetDirectoryName(finalPath)!);
                replayed++;
            }
        }

        if (latest.Count > 0)
        {
            NativeFileOperations.FlushFileSystem(_root, files, directories);
            _logger.LogWarning("journal recovery: {Count} objects recorded before the last stop were rewritten from {Folder}", replayed, Folder);
        }

        // Every segment starts afresh with a new epoch: what it held is now durable in place.
        foreach (var segment in _segments)
        {
            var epoch = RandomNumberGenerator.GetBytes(16);
            RandomAccess.Write(segment.Handle, JournalFormat.EncodeSegmentHeader(segment.Number, epoch), 0);
            RandomAccess.FlushToDisk(segment.Handle);
            segment.Reset(epoch);
            _free.Enqueue(segment);
        }

        if (_segments.Count == 0)
        {
            var first = CreateSegment(0);
            _segments.Add(first);
            _free.Enqueue(first);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class SyncGroup
    {
        public List<SyncWaiter> Waiters { get; } = [];
    }

    private sealed class SyncWaiter(JournalSegment segment)
    {
        public JournalSegment Segment { get; } = segment;

        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ExceptionDispatchInfo? Error { get; set; }
    }
}

/// <summary>A record in the journal whose object the caller still has to put in place.</summary>
internal sealed class JournalEntry(JournalSegment segment)
{
    private int _finished;

    public JournalSegment Segment { get; } = segment;

    /// <summary>True the first time only.</summary>
    public bool TryFinish() => Interlocked.Exchange(ref _finished, 1) == 0;
}
