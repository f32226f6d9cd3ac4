using System.Threading.Channels;

namespace ImagingGateway.Infrastructure.Local.FileSystem;

/// <summary>
/// Group commit of durable writes, in a two-stage pipeline. Each commit hands over its written temp file and waits.
/// Stage 1 (one thread) takes every commit waiting (up to <see cref="FileSystemStoreOptions.MaxGroupSize"/>) and
/// fsyncs their files in parallel (the file system's journal folds concurrent fsyncs into one journal commit).
/// Stage 2 (another thread) renames each file of the group into place, then fsyncs every directory the group touched
/// exactly once, and only then completes the group's commits. While stage 2 makes group N's names durable, stage 1
/// already flushes group N+1, and the next group gathers meanwhile: under load many instances share the journal
/// commits instead of paying two each.
/// An uncontended commit (no other commit in progress, the case of a single association, where the sender waits for
/// each response) skips the pipeline and runs both stages on the caller's thread: the same fsync, rename and directory
/// fsync, without the two thread hand-offs and the continuation's hop back, which on a busy 2-core host cost as much
/// as the directory fsync itself.
/// </summary>
internal sealed class GroupCommitter : IDisposable
{
    private readonly Channel<PendingCommit> _queue = Channel.CreateUnbounded<PendingCommit>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    private readonly int _maxGroupSize;
    private readonly ParallelOptions _parallel;
    private readonly bool _durable;
    private readonly Action<string> _markDirectoryDurable;
    private readonly Channel<List<PendingCommit>> _flushed = Channel.CreateUnbounded<List<PendingCommit>>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private readonly Thread _flushThread;
    private readonly Thread _publishThread;

    public GroupCommitter(int maxGroupSize, int maxParallelFlushes, bool durable, Action<string> markDirectoryDurable)
    {
        _maxGroupSize = Math.Max(1, maxGroupSize);
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxParallelFlushes) };
        _durable = durable;
        _markDirectoryDurable = markDirectoryDurable;
        _flushThread = new Thread(FlushFiles) { IsBackground = true, Name = "fs-commit-flush" };
        _publishThread = new Thread(PublishNames) { IsBackground = true, Name = "fs-commit-publish" };
        _flushThread.Start();
        _publishThread.Start();
    }

    /// <summary>How many groups were flushed, and how many commits they held (for tests and metrics).</summary>
    public long Groups => Interlocked.Read(ref _groups);

    public long Commits => Interlocked.Read(ref _commits);

    private long _groups;
    private long _commits;
    private int _inProgress;
    private volatile bool _disposed;

    public Task CommitAsync(PendingCommit commit)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Increment(ref _inProgress) == 1)
        {
            return CommitInline(commit);
        }

        if (!_queue.Writer.TryWrite(commit))
        {
            Interlocked.Decrement(ref _inProgress);
            throw new ObjectDisposedException(nameof(GroupCommitter), "the store is shutting down");
        }

        return commit.Done.Task;
    }

    public void Dispose()
    {
        _disposed = true;
        _queue.Writer.TryComplete();
        _flushThread.Join(TimeSpan.FromSeconds(30));
        _publishThread.Join(TimeSpan.FromSeconds(30));
    }

    /// <summary>Both stages for one commit on the caller's thread (nothing else is committing).</summary>
    private Task CommitInline(PendingCommit commit)
    {
        try
        {
            Interlocked.Increment(ref _groups);
            Interlocked.Increment(ref _commits);
            if (_durable)
            {
                FlushFile(commit);
            }

            PublishGroup([commit], new HashSet<string>(StringComparer.Ordinal), completeAsynchronously: false);
            return commit.Error is null ? Task.CompletedTask : Task.FromException(commit.Error);
        }
        finally
        {
            Interlocked.Decrement(ref _inProgress);
        }
    }

    /// <summary>Stage 1: the files' data and size reach the disk.</summary>
    private void FlushFiles()
    {
        try
        {
            var reader = _queue.Reader;
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                var group = new List<PendingCommit>(Math.Min(_maxGroupSize, 16));
                while (group.Count < _maxGroupSize && reader.TryRead(out var next))
                {
                    group.Add(next);
                }

                Interlocked.Increment(ref _groups);
                Interlocked.Add(ref _commits, group.Count);
                if (_durable)
                {
                    if (group.Count == 1)
                    {
                        FlushFile(group[0]);
                    }
                    else
                    {
                        Parallel.For(0, group.Count, _parallel, i => FlushFile(group[i]));
                    }
                }

                _flushed.Writer.TryWrite(group);
            }
        }
        finally
        {
            _flushed.Writer.TryComplete();
        }
    }

    /// <summary>Stage 2: names, then the directories holding them, then the waiting commits are released.</summary>
    private void PublishNames()
    {
        var directories = new HashSet<string>(StringComparer.Ordinal);
        var reader = _flushed.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var group))
            {
                PublishGroup(group, directories, completeAsynchronously: true);
                Interlocked.Add(ref _inProgress, -group.Count);
            }
        }
    }

    private void PublishGroup(List<PendingCommit> group, HashSet<string> directories, bool completeAsynchronously)
    {
        // Each file gets its name, atomically (rename(2) replaces an existing object in one step).
        directories.Clear();
        foreach (var commit in group)
        {
            if (commit.Error is not null)
            {
                continue;
            }

            try
            {
                File.Move(commit.TempPath, commit.FinalPath, overwrite: true);
                foreach (var directory in commit.DirectoriesToSync)
                {
                    directories.Add(directory);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                commit.Error = ex;
            }
        }

        // The names become durable: each touched directory once for the whole group.
        Dictionary<string, Exception>? failedDirectories = null;
        if (_durable)
        {
            foreach (var directory in directories)
            {
                try
                {
                    DirectorySync.Flush(directory);
                }
                catch (IOException ex)
                {
                    (failedDirectories ??= new(StringComparer.Ordinal))[directory] = ex;
                }
            }
        }

        foreach (var directory in directories)
        {
            if (failedDirectories is null || !failedDirectories.ContainsKey(directory))
            {
                _markDirectoryDurable(directory);
            }
        }

        foreach (var commit in group)
        {
            if (commit.Error is null && failedDirectories is not null)
            {
                foreach (var directory in commit.DirectoriesToSync)
                {
                    if (failedDirectories.TryGetValue(directory, out var ex))
                    {
                        commit.Error = ex;
                        break;
                    }
                }
            }

            if (!completeAsynchronously)
            {
                continue;
            }

            if (commit.Error is null)
            {
                commit.Done.TrySetResult();
            }
            else
            {
                commit.Done.TrySetException(commit.Error);
            }
        }
    }

    private static void FlushFile(PendingCommit commit)
    {
        try
        {
            RandomAccess.FlushToDisk(commit.Handle);
            WriteBehind.Release(commit.Handle);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            commit.Error = ex;
        }
    }
}
