using System.Collections.Concurrent;
using ImagingGateway.Infrastructure.Local.FileSystem.Journal;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace ImagingGateway.Infrastructure.Local.FileSystem;

/// <summary>
/// How a written temp file becomes its object, durably. An object up to <see cref="JournalOptions.MaxObjectBytes"/> is
/// made durable in the write-ahead <see cref="InstanceJournal"/> (one data flush shared by concurrent commits) and then
/// renamed into place, its own flush left to the journal's checkpoint; a larger one is fsynced, renamed and its
/// directory fsynced, grouped across concurrent commits by <see cref="GroupCommitter"/>. Directories known to be durable
/// are remembered, so only a new one costs its parent's fsync. Opening the pipeline replays a journal an earlier run
/// left, even when this run does not use one: what it holds was acknowledged.
/// </summary>
internal sealed class CommitPipeline : IDisposable
{
    private readonly FileSystemStoreRoot _root;
    private readonly ILogger _logger;
    private readonly GroupCommitter _committer;
    private readonly InstanceJournal? _journal;
    private readonly ConcurrentDictionary<string, byte> _durableDirectories = new(StringComparer.Ordinal);

    public CommitPipeline(FileSystemStoreRoot root, FileSystemStoreOptions options, ILogger logger)
    {
        _root = root;
        _logger = logger;
        _durableDirectories[root.Root] = 0;
        _durableDirectories[root.IncomingDirectory] = 0;
        _durableDirectories[root.UploadDirectory] = 0;
        _committer = new GroupCommitter(options.MaxGroupSize, options.MaxParallelFlushes, options.Durable, d => _durableDirectories[d] = 0);
        var useJournal = options.Durable && options.Journal.Enabled;
        var journalFolder = Path.Combine(root.Root, InstanceJournal.FolderName);
        var journalLeft = Directory.Exists(journalFolder) && Directory.EnumerateFiles(journalFolder).Any();
        if (useJournal || journalLeft)
        {
            try
            {
                var journal = InstanceJournal.Open(root.Root, options.Journal, Replay, MarkDurable, _logger);
                if (useJournal)
                {
                    _journal = journal;
                }
                else
                {
                    journal.Dispose();
                }
            }
            catch
            {
                _committer.Dispose();
                throw;
            }
        }

        // Probed in the upload folder before the temp-file pool fills it.
        ReleasesWrittenRanges = options.Durable && WriteBehind.ReleasesRanges(root.UploadDirectory);
        if (options.Durable && !ReleasesWrittenRanges)
        {
            _logger.LogInformation(
                "{UploadDirectory}: the file system does not let written ranges leave the page cache (overlayfs or tmpfs?); uploads are dropped from it only after their fsync",
                root.UploadDirectory);
        }

        WriteBehindFrom = _journal is null ? 0 : options.Journal.MaxObjectBytes;
    }

    /// <summary>
    /// Whether uploads drop their written ranges from the page cache as they go (a durable store on a file system
    /// where that works, <see cref="WriteBehind.ReleasesRanges"/>).
    /// </summary>
    public bool ReleasesWrittenRanges { get; }

    /// <summary>The size past which an upload starts its writeback while it arrives (0: from the first byte).</summary>
    public long WriteBehindFrom { get; }

    /// <summary>Commits flushed by the group committer and the groups they were flushed in.</summary>
    public (long Commits, long Groups) CommitStatistics => (_committer.Commits, _committer.Groups);

    /// <summary>The journal's checkpoints and data flushes so far (zeros without a journal).</summary>
    public (long Checkpoints, long Flushes) JournalStatistics => _journal?.Statistics ?? (0, 0);

    /// <summary>
    /// Makes the upload's temp file durable as <paramref name="key"/>. <paramref name="sha256"/> is the payload's
    /// SHA-256 for the journal's record when the upload had it at hand (it fit one buffer); otherwise the journal reads
    /// the object back to hash it (it is no larger than the journal's threshold, and in the page cache).
    /// </summary>
    public async Task CommitAsync(string key, string tempPath, SafeFileHandle handle, long size, byte[]? sha256)
    {
        var finalPath = _root.PathOf(key);
        var directory = Path.GetDirectoryName(finalPath)!;
        var toSync = new List<string>(2) { directory };
        EnsureDirectory(directory, toSync);
        if (_journal is { } journal && journal.Accepts(size))
        {
            JournalEntry? entry = null;
            try
            {
                entry = await journal.AppendAsync(key, handle, size, sha256, CancellationToken.None).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                _logger.LogWarning(ex, "the journal could not take {Key}; committing it with its own fsyncs", key);
            }

            if (entry is not null)
            {
                // Durable in the journal: the file takes its name without a flush of its own (the checkpoint's).
                try
                {
                    File.Move(tempPath, finalPath, overwrite: true);
                    journal.Finish(entry, finalPath, toSync);
                }
                catch
                {
                    journal.Finish(entry, null, toSync);
                    throw;
                }

                return;
            }
        }

        await _committer.CommitAsync(new PendingCommit(handle, tempPath, finalPath, toSync)).ConfigureAwait(false);
        if (_journal is not null)
        {
            await _journal.RecordDirectAsync(key, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Makes everything committed through the journal durable in place now.</summary>
    public void Checkpoint() => _journal?.Checkpoint();

    /// <summary>Replaces the journal's data flush (no effect without a journal).</summary>
    public void OverrideJournalFlush(Action<SafeFileHandle> flush)
    {
        if (_journal is not null)
        {
            _journal.FlushOverride = flush;
        }
    }

    /// <summary>Stops as a killed process would: no checkpoint, so the next start replays the journal.</summary>
    public void Abandon()
    {
        _journal?.Abandon();
        _committer.Dispose();
    }

    public void Dispose()
    {
        _journal?.Dispose();
        _committer.Dispose();
    }

    /// <summary>Recovery: writes an object back from its journal record (through a temp file, as any commit).</summary>
    private string Replay(string key, JournalSegment segment, JournalRecordHeader record)
    {
        var finalPath = _root.PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!);
        var tempPath = _root.NewTempPath();
        using (var temp = File.OpenHandle(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            NativeFileOperations.Copy(segment.Handle, record.PayloadOffset, temp, 0, record.PayloadLength);
        }

        File.Move(tempPath, finalPath, overwrite: true);
        return finalPath;
    }

    private void MarkDurable(IEnumerable<string> directories)
    {
        foreach (var directory in directories)
        {
            _durableDirectories[directory] = 0;
        }
    }

    /// <summary>
    /// Creates <paramref name="directory"/> when needed. Every directory on the way up that is not yet known to be
    /// durable (its name fsynced in its parent) adds its parent to <paramref name="toSync"/>.
    /// </summary>
    private void EnsureDirectory(string directory, List<string> toSync)
    {
        if (_durableDirectories.ContainsKey(directory))
        {
            return;
        }

        Directory.CreateDirectory(directory);
        var current = directory;
        while (!_durableDirectories.ContainsKey(current))
        {
            var parent = Path.GetDirectoryName(current);
            if (parent is null || parent.Length < _root.Root.Length)
            {
                break;
            }

            if (!toSync.Contains(parent))
            {
                toSync.Add(parent);
            }

            current = parent;
        }
    }
}
