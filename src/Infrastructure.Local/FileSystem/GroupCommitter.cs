using System.Threading.Channels;

namespace ImagingGateway.Infrastructure.Local.FileSystem;

/// <summary>
/// Group commit of durable writes. Each commit hands over its written temp file and waits; one flusher thread takes
/// every commit that is waiting (up to <see cref="FileSystemStoreOptions.MaxGroupSize"/>), fsyncs their files in
/// parallel (the file system's journal folds concurrent fsyncs into one commit), renames each into place, then
/// fsyncs every directory the group touched exactly once. While a group is being flushed the next one gathers, so
/// under load many instances share the cost of one journal commit instead of paying two each.
/// </summary>
internal sealed class GroupCommitter : IDisposable
{
    private readonly Channel<PendingCommit> _queue = Channel.CreateUnbounded<PendingCommit>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    private readonly int _maxGroupSize;
    private readonly ParallelOptions _parallel;
    private readonly bool _durable;
    private readonly Action<string> _markDirectoryDurable;
    private readonly Thread _thread;

    public GroupCommitter(int maxGroupSize, int maxParallelFlushes, bool durable, Action<string> markDirectoryDurable)
    {
        _maxGroupSize = Math.Max(1, maxGroupSize);
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxParallelFlushes) };
        _durable = durable;
        _markDirectoryDurable = markDirectoryDurable;
        _thread = new Thread(Run) { IsBackground = true, Name = "fs-group-commit" };
        _thread.Start();
    }

    /// <summary>How many groups were flushed, and how many commits they held (for tests and metrics).</summary>
    public long Groups => Interlocked.Read(ref _groups);

    public long Commits => Interlocked.Read(ref _commits);

    private long _groups;
    private long _commits;

    public Task CommitAsync(PendingCommit commit)
    {
        if (!_queue.Writer.TryWrite(commit))
        {
            throw new ObjectDisposedException(nameof(GroupCommitter), "the store is shutting down");
        }

        return commit.Done.Task;
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _thread.Join(TimeSpan.FromSeconds(30));
    }

    private void Run()
    {
        var group = new List<PendingCommit>(_maxGroupSize);
        var directories = new HashSet<string>(StringComparer.Ordinal);
        var reader = _queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            group.Clear();
            while (group.Count < _maxGroupSize && reader.TryRead(out var next))
            {
                group.Add(next);
            }

            FlushGroup(group, directories);
        }
    }

    private void FlushGroup(List<PendingCommit> group, HashSet<string> directories)
    {
        Interlocked.Increment(ref _groups);
        Interlocked.Add(ref _commits, group.Count);

        // 1. The files' data and size reach the disk.
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

        // 2. Each file gets its name, atomically (rename(2) replaces an existing object in one step).
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

        // 3. The names become durable: each touched directory once for the whole group.
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
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            commit.Error = ex;
        }
    }
}
