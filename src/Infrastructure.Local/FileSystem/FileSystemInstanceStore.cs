using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Local.FileSystem.Journal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace ImagingGateway.Infrastructure.Local.FileSystem;

/// <summary>
/// <see cref="IInstanceStore"/> on a folder with the S3 key layout (<c>{root}/dicom/…/{sop}.dcm</c>,
/// <c>{root}/batches/{batchId}.json</c>). Keys are validated by <see cref="ObjectKeyValidator"/>, so no key leaves the
/// root. Writes are two-phase and durable: temp file in <c>{root}/.incoming/{store}/</c>, a folder of this store
/// instance's own (same file system, so the rename is atomic), SHA-256 on the way in. On commit, an object up to
/// <see cref="JournalOptions.MaxObjectBytes"/> is made durable in the write-ahead <see cref="InstanceJournal"/> (one
/// data flush shared by concurrent commits) and then renamed into place; a larger one is fsynced, renamed and its
/// directory fsynced, grouped across concurrent commits by <see cref="GroupCommitter"/>. A root belongs to one process,
/// which holds <c>{root}/.lock</c>: at start-up it replays the journal and deletes every temp file, and folder, a
/// previous run left in <c>.incoming/</c>. Another process opening the same root (the command line's <c>jobs</c>
/// verbs, say) can read but not write, and touches nothing.
/// </summary>
public sealed class FileSystemInstanceStore : IInstanceStore, IDisposable
{
    public const string IncomingFolder = ".incoming";
    public const string LockFileName = ".lock";
    private const string TempSuffix = ".tmp";

    private readonly FileSystemStoreOptions _options;
    private readonly ObjectCreatedNotifications? _notifications;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly GroupCommitter _committer;
    private readonly ConcurrentDictionary<string, byte> _durableDirectories = new(StringComparer.Ordinal);
    private readonly SafeFileHandle? _lock;
    private readonly string _tempPrefix = Guid.NewGuid().ToString("N")[..12];
    private long _tempCounter;
    private readonly InstanceJournal? _journal;
    private readonly TempFilePool? _tempFiles;

    public FileSystemInstanceStore(
        FileSystemStoreOptions options,
        ObjectCreatedNotifications? notifications = null,
        TimeProvider? time = null,
        ILogger<FileSystemInstanceStore>? logger = null)
    {
        _options = options;
        _notifications = notifications;
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.RootDirectory));
        IncomingDirectory = Path.Combine(Root, IncomingFolder);

        var rootExisted = Directory.Exists(Root);
        if (options.MarkRootAsTopDirectory && !Directory.Exists(IncomingDirectory))
        {
            // Before .incoming/ exists, so that it is placed by the hint (TopDirectoryFlag).
            Directory.CreateDirectory(Root);
            RootMarkedAsTopDirectory = TopDirectoryFlag.TrySet(Root);
        }

        Directory.CreateDirectory(IncomingDirectory);
        UploadDirectory = Path.Combine(IncomingDirectory, _tempPrefix);
        _lock = TryLock(Path.Combine(Root, LockFileName));
        if (_lock is null)
        {
            _logger.LogDebug("{Root} is in use by another process: opened for reading only", Root);
            _committer = new GroupCommitter(1, 1, durable: false, _ => { });
            return;
        }

        RemoveStaleTemporaryFiles();
        if (options.MarkRootAsTopDirectory)
        {
            // Our own folder, so marked whether or not this store created it: each start's upload folder below it is
            // then placed by the hint, in a block group chosen from its (random) name (TopDirectoryFlag).
            IncomingMarkedAsTopDirectory = TopDirectoryFlag.TrySet(IncomingDirectory);
        }

        Directory.CreateDirectory(UploadDirectory);
        if (options.Durable)
        {
            if (!rootExisted && Path.GetDirectoryName(Root) is { } parent)
            {
                DirectorySync.Flush(parent);
            }

            DirectorySync.Flush(Root);
            DirectorySync.Flush(IncomingDirectory);
        }

        _durableDirectories[Root] = 0;
        _durableDirectories[IncomingDirectory] = 0;
        _durableDirectories[UploadDirectory] = 0;
        _committer = new GroupCommitter(options.MaxGroupSize, options.MaxParallelFlushes, options.Durable, d => _durableDirectories[d] = 0);
        var useJournal = options.Durable && options.Journal.Enabled;
        var journalFolder = Path.Combine(Root, InstanceJournal.FolderName);
        var journalLeft = Directory.Exists(journalFolder) && Directory.EnumerateFiles(journalFolder).Any();
        if (useJournal || journalLeft)
        {
            try
            {
                // A journal left by an earlier run is replayed even when this run does not use one: what it holds was
                // acknowledged.
                var journal = InstanceJournal.Open(Root, options.Journal, Replay, MarkDurable, _logger);
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
                _lock.Dispose();
                throw;
            }
        }

        // Checked before the pool fills the upload folder, in that folder.
        ReleasesWrittenRanges = options.Durable && WriteBehind.ReleasesRanges(UploadDirectory);
        if (options.Durable && !ReleasesWrittenRanges)
        {
            _logger.LogInformation(
                "{UploadDirectory}: the file system does not let written ranges leave the page cache (overlayfs or tmpfs?); uploads are dropped from it only after their fsync",
                UploadDirectory);
        }

        if (options.PreparedTempFiles > 0)
        {
            _tempFiles = new TempFilePool(options.PreparedTempFiles, NewTempPath, _logger);
        }
    }

    /// <summary>
    /// Whether uploads drop their written ranges from the page cache as they go (a durable store on a file system
    /// where that works, <see cref="WriteBehind.ReleasesRanges"/>).
    /// </summary>
    public bool ReleasesWrittenRanges { get; }

    /// <summary>
    /// Whether this store created <c>.incoming/</c> below a root it marked with ext4's top-directory attribute
    /// (<see cref="FileSystemStoreOptions.MarkRootAsTopDirectory"/>, <see cref="TopDirectoryFlag"/>).
    /// </summary>
    public bool RootMarkedAsTopDirectory { get; }

    /// <summary>
    /// Whether this store marked <c>.incoming/</c> with ext4's top-directory attribute, so that its upload folder was
    /// placed by the hint (<see cref="FileSystemStoreOptions.MarkRootAsTopDirectory"/>).
    /// </summary>
    public bool IncomingMarkedAsTopDirectory { get; }

    /// <summary>False when another process holds the root: this store then only reads.</summary>
    public bool IsWritable => _lock is not null;

    /// <summary>Empty temp files ready for the next uploads (<see cref="FileSystemStoreOptions.PreparedTempFiles"/>).</summary>
    public int PreparedTempFiles => _tempFiles?.Count ?? 0;

    /// <summary>The journal's checkpoints and data flushes so far (zeros without a journal).</summary>
    public (long Checkpoints, long Flushes) JournalStatistics => _journal?.Statistics ?? (0, 0);

    /// <summary>The absolute root folder, without a trailing separator.</summary>
    public string Root { get; }

    /// <summary><c>{root}/.incoming</c>: the temp files of this store and of earlier runs, each run's in a folder of its own.</summary>
    public string IncomingDirectory { get; }

    /// <summary>
    /// This store instance's folder below <see cref="IncomingDirectory"/>, named at random: its temp files. A new folder
    /// per start (rather than one shared by every run) means that on ext4 its files' inodes come from a block group
    /// picked by the folder's name, not from the group where the previous run's files were just deleted, where every
    /// new inode would step over the recently freed ones (docs/performance.md, session 12).
    /// </summary>
    public string UploadDirectory { get; }

    /// <summary>Commits flushed so far and the groups they were flushed in (commits / groups = the sharing achieved).</summary>
    public (long Commits, long Groups) CommitStatistics => (_committer.Commits, _committer.Groups);

    public Task<IInstanceUpload> BeginPutAsync(string key, CancellationToken cancellationToken)
    {
        ObjectKeyValidator.EnsureValid(key);
        cancellationToken.ThrowIfCancellationRequested();
        EnsureWritable();
        var (tempPath, handle) = OpenTempFile();
        return Task.FromResult<IInstanceUpload>(new FileSystemUpload(this, key, tempPath, handle, _options.UploadBufferSize, _journal is null ? 0 : _options.Journal.MaxObjectBytes, releaseWritten: ReleasesWrittenRanges));
    }

    public Task<Stream?> OpenReadAsync(string key, ByteRange? range, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        cancellationToken.ThrowIfCancellationRequested();
        FileStream file;
        try
        {
            file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.Read | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
                BufferSize = 0,
            });
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }

        if (range is not { } r)
        {
            return Task.FromResult<Stream?>(file);
        }

        var size = file.Length;
        if (r.Offset < 0 || r.Length < 0 || (r.Offset >= size && !(size == 0 && r.Offset == 0)))
        {
            file.Dispose();
            throw new ArgumentOutOfRangeException(nameof(range), $"range {r.Offset}+{r.Length} is not within the {size} bytes of '{key}'");
        }

        file.Position = r.Offset;
        return Task.FromResult<Stream?>(new RangeReadStream(file, Math.Min(r.Length, size - r.Offset)));
    }

    public Task<StoredObjectInfo?> GetInfoAsync(string key, CancellationToken cancellationToken)
    {
        var info = new FileInfo(PathOf(key));
        return Task.FromResult(info.Exists ? ToInfo(key, info) : null);
    }

    public async IAsyncEnumerable<StoredObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ObjectKeyValidator.EnsureValidPrefix(prefix);
        var slash = prefix.LastIndexOf('/');
        var folderKey = slash < 0 ? string.Empty : prefix[..(slash + 1)];
        var partialName = prefix[(slash + 1)..];
        var folder = folderKey.Length == 0 ? Root : Path.Combine(Root, folderKey.TrimEnd('/').Replace('/', Path.DirectorySeparatorChar));
        foreach (var item in Walk(folder, folderKey, partialName, cancellationToken))
        {
            yield return item;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public string LocationOf(string keyOrPrefix)
    {
        ObjectKeyValidator.EnsureValidPrefix(keyOrPrefix, nameof(keyOrPrefix));
        var path = keyOrPrefix.Length == 0
            ? Root + Path.DirectorySeparatorChar
            : Path.Combine(Root, keyOrPrefix.Replace('/', Path.DirectorySeparatorChar));
        return new Uri(path).AbsoluteUri;
    }

    /// <summary>The file a key is stored in.</summary>
    public string PathOf(string key)
    {
        ObjectKeyValidator.EnsureValid(key);
        var path = Path.Combine(Root, key.Replace('/', Path.DirectorySeparatorChar));
        // The validator already rules out every escape; this is the belt to its braces.
        if (!path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"object key '{key}' escapes the store root", nameof(key));
        }

        return path;
    }

    /// <summary>Makes everything committed through the journal durable in place now (tests, and before a backup).</summary>
    public void Checkpoint() => _journal?.Checkpoint();

    /// <summary>
    /// Lets go of the root as a killed process would (tests): no checkpoint, the lock released, temp files left where
    /// they are. The next store opened on the root recovers.
    /// </summary>
    internal void SimulateCrash()
    {
        _journal?.Abandon();
        _committer.Dispose();
        _lock?.Dispose();
    }

    public void Dispose()
    {
        _tempFiles?.Dispose();
        _journal?.Dispose();
        _committer.Dispose();
        _lock?.Dispose();
    }

    internal async Task<StoredObjectInfo> CommitAsync(FileSystemUpload upload, SafeFileHandle handle, long size, string checksum, byte[]? sha256)
    {
        var finalPath = PathOf(upload.Key);
        var directory = Path.GetDirectoryName(finalPath)!;
        var toSync = new List<string>(2) { directory };
        EnsureDirectory(directory, toSync);
        if (!await TryCommitThroughJournalAsync(upload, handle, size, sha256, finalPath, toSync).ConfigureAwait(false))
        {
            await _committer.CommitAsync(new PendingCommit(handle, upload.TempPath, finalPath, toSync)).ConfigureAwait(false);
            if (_journal is not null)
            {
                await _journal.RecordDirectAsync(upload.Key, CancellationToken.None).ConfigureAwait(false);
            }
        }

        var info = new StoredObjectInfo(upload.Key, size, checksum, _time.GetUtcNow());
        if (_notifications is not null && upload.Key.StartsWith(_options.NotificationPrefix, StringComparison.Ordinal))
        {
            _notifications.Publish(new ObjectCreatedEvent(info.Key, info.Size, info.Checksum, info.LastModified));
        }

        return info;
    }

    /// <summary>
    /// The journal path of a commit: the bytes become durable in the journal, then the file takes its name without a
    /// flush of its own (the checkpoint makes it durable in place). False when the object is too large for the
    /// journal or the journal cannot take it (the caller then commits it with its own fsyncs). <paramref name="sha256"/>
    /// is the payload's SHA-256 for the journal's record when the upload had it at hand (it fit one buffer); otherwise
    /// the journal reads the object back to hash it (it is no larger than the journal's threshold, and in the page cache).
    /// </summary>
    private async Task<bool> TryCommitThroughJournalAsync(FileSystemUpload upload, SafeFileHandle handle, long size, byte[]? sha256, string finalPath, List<string> directories)
    {
        if (_journal is null || !_journal.Accepts(size))
        {
            return false;
        }

        JournalEntry entry;
        try
        {
            entry = await _journal.AppendAsync(upload.Key, handle, size, sha256, CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            _logger.LogWarning(ex, "the journal could not take {Key}; committing it with its own fsyncs", upload.Key);
            return false;
        }

        try
        {
            File.Move(upload.TempPath, finalPath, overwrite: true);
            _journal.Finish(entry, finalPath, directories);
        }
        catch
        {
            _journal.Finish(entry, null, directories);
            throw;
        }

        return true;
    }

    /// <summary>Recovery: writes an object back from its journal record (through a temp file, as any commit).</summary>
    private string Replay(string key, JournalSegment segment, JournalRecordHeader record)
    {
        var finalPath = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!);
        var tempPath = NewTempPath();
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

    /// <summary>A prepared temp file when one is ready (<see cref="TempFilePool"/>), else a new one.</summary>
    private (string Path, SafeFileHandle Handle) OpenTempFile()
    {
        if (_tempFiles?.Take() is { } prepared)
        {
            try
            {
                return (prepared, OpenUploadFile(prepared, FileMode.Open));
            }
            catch (FileNotFoundException)
            {
                // Removed behind our back: create one as if the pool were empty.
            }
        }

        var path = NewTempPath();
        return (path, OpenUploadFile(path, FileMode.CreateNew));

        static SafeFileHandle OpenUploadFile(string path, FileMode mode) =>
            File.OpenHandle(path, mode, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, FileOptions.None);
    }

    /// <summary>A fresh temp file name: unique per store instance and upload (cheaper than a GUID per upload).</summary>
    private string NewTempPath() =>
        Path.Combine(UploadDirectory, $"{_tempPrefix}-{Interlocked.Increment(ref _tempCounter):x}{TempSuffix}");

    private void EnsureWritable()
    {
        if (_lock is null)
        {
            throw new IOException($"the store at {Root} is in use by another process ({LockFileName} is held); this one can only read");
        }
    }

    private static SafeFileHandle? TryLock(string path)
    {
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock) on Unix: one writer process per root.
            return File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    internal void Discard(string tempPath)
    {
        try
        {
            File.Delete(tempPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(ex, "could not delete discarded upload {TempPath}; it is removed at the next start", tempPath);
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
            if (parent is null || parent.Length < Root.Length)
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

    private void RemoveStaleTemporaryFiles()
    {
        // Earlier runs' upload folders, and temp files directly in .incoming/ (where versions before session 12 put them).
        var removed = RemoveTemporaryFiles(IncomingDirectory);
        foreach (var folder in Directory.EnumerateDirectories(IncomingDirectory))
        {
            removed += RemoveTemporaryFiles(folder);
            try
            {
                Directory.Delete(folder);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning(ex, "could not delete the stale upload folder {Folder}", folder);
            }
        }

        if (removed > 0)
        {
            _logger.LogInformation("removed {Count} partial uploads left by a previous run in {Folder}", removed, IncomingDirectory);
        }
    }

    /// <summary>Deletes the files in <paramref name="folder"/>; returns how many held data (partial uploads).</summary>
    private int RemoveTemporaryFiles(string folder)
    {
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            try
            {
                // An empty one was prepared ahead of need (TempFilePool) or never written to: not worth a word.
                var partial = new FileInfo(file).Length > 0;
                File.Delete(file);
                removed += partial ? 1 : 0;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning(ex, "could not delete stale upload {TempPath}", file);
            }
        }

        return removed;
    }

    /// <summary>Depth-first walk that yields keys in ordinal order: a folder "a" sorts as "a/" among its siblings.</summary>
    private IEnumerable<StoredObjectInfo> Walk(string folder, string folderKey, string partialName, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        var entries = new List<(string SortKey, string Name, bool IsFolder)>();
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
        {
            var name = entry.Name;
            if (name.StartsWith('.') || !name.StartsWith(partialName, StringComparison.Ordinal))
            {
                continue;
            }

            var isFolder = (entry.Attributes & FileAttributes.Directory) != 0;
            entries.Add((isFolder ? name + "/" : name, name, isFolder));
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.SortKey, b.SortKey));
        foreach (var (_, name, isFolder) in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = folderKey + name;
            var path = Path.Combine(folder, name);
            if (isFolder)
            {
                foreach (var item in Walk(path, key + "/", string.Empty, cancellationToken))
                {
                    yield return item;
                }
            }
            else if (ObjectKeyValidator.Validate(key) is null)
            {
                var info = new FileInfo(path);
                if (info.Exists)
                {
                    yield return ToInfo(key, info);
                }
            }
        }
    }

    private static StoredObjectInfo ToInfo(string key, FileInfo info) =>
        new(key, info.Length, null, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero));
}
