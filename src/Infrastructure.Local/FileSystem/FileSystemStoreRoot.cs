using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace ImagingGateway.Infrastructure.Local.FileSystem;

/// <summary>
/// The folder a <see cref="FileSystemInstanceStore"/> lives in: object keys are paths below <see cref="Root"/>
/// (validated by <see cref="ObjectKeyValidator"/>, so none leaves it), uploads are temp files in a folder of this
/// store instance's own, <c>{root}/.incoming/{random}/</c> (same file system, so the commit's rename is atomic), and
/// <c>{root}/.lock</c> is held by the one process that may write. That process deletes, at start-up, every temp file
/// and folder a previous run left in <c>.incoming/</c>; another process opening the same root (the command line's
/// <c>jobs</c> verbs, say) can read but not write, and touches nothing.
/// </summary>
internal sealed class FileSystemStoreRoot : IDisposable
{
    public const string IncomingFolder = ".incoming";
    public const string LockFileName = ".lock";
    private const string TempSuffix = ".tmp";

    private readonly ILogger _logger;
    private readonly SafeFileHandle? _lock;
    private readonly string _tempPrefix = Guid.NewGuid().ToString("N")[..12];
    private long _tempCounter;
    private TempFilePool? _tempFiles;

    public FileSystemStoreRoot(FileSystemStoreOptions options, ILogger logger)
    {
        _logger = logger;
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
    }

    /// <summary>The absolute root folder, without a trailing separator.</summary>
    public string Root { get; }

    /// <summary><c>{root}/.incoming</c>: the temp files of this store and of earlier runs, each run's in a folder of its own.</summary>
    public string IncomingDirectory { get; }

    /// <summary>
    /// This store instance's folder below <see cref="IncomingDirectory"/>, named at random: its temp files. A new folder
    /// per start means that on ext4 its files' inodes come from a block group picked by the folder's name, not from the
    /// group where the previous run's files were just deleted, where every new inode would step over the recently freed
    /// ones (docs/performance.md).
    /// </summary>
    public string UploadDirectory { get; }

    /// <summary>False when another process holds the root: this store then only reads.</summary>
    public bool IsWritable => _lock is not null;

    /// <summary>Whether this store created <c>.incoming/</c> below a root it marked as a top directory.</summary>
    public bool RootMarkedAsTopDirectory { get; }

    /// <summary>Whether this store marked <c>.incoming/</c> as a top directory.</summary>
    public bool IncomingMarkedAsTopDirectory { get; }

    /// <summary>Empty temp files ready for the next uploads.</summary>
    public int PreparedTempFiles => _tempFiles?.Count ?? 0;

    /// <summary>
    /// Starts keeping <paramref name="count"/> empty temp files ready (<see cref="TempFilePool"/>); called once the
    /// upload folder has served the start-up's own probes and replays.
    /// </summary>
    public void PrepareTempFiles(int count)
    {
        if (count > 0 && IsWritable)
        {
            _tempFiles = new TempFilePool(count, NewTempPath, _logger);
        }
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

    /// <summary>The folder holding the keys that start with <paramref name="folderKey"/> (empty, or ending in '/').</summary>
    public string FolderOf(string folderKey) =>
        folderKey.Length == 0 ? Root : Path.Combine(Root, folderKey.TrimEnd('/').Replace('/', Path.DirectorySeparatorChar));

    /// <summary>The <c>file://</c> URI of a key or prefix.</summary>
    public string LocationOf(string keyOrPrefix)
    {
        ObjectKeyValidator.EnsureValidPrefix(keyOrPrefix, nameof(keyOrPrefix));
        var path = keyOrPrefix.Length == 0
            ? Root + Path.DirectorySeparatorChar
            : Path.Combine(Root, keyOrPrefix.Replace('/', Path.DirectorySeparatorChar));
        return new Uri(path).AbsoluteUri;
    }

    public void EnsureWritable()
    {
        if (_lock is null)
        {
            throw new IOException($"the store at {Root} is in use by another process ({LockFileName} is held); this one can only read");
        }
    }

    /// <summary>A prepared temp file when one is ready (<see cref="TempFilePool"/>), else a new one.</summary>
    public (string Path, SafeFileHandle Handle) OpenTempFile()
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
    public string NewTempPath() =>
        Path.Combine(UploadDirectory, $"{_tempPrefix}-{Interlocked.Increment(ref _tempCounter):x}{TempSuffix}");

    /// <summary>Deletes the temp file of an upload that was not committed.</summary>
    public void Discard(string tempPath)
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

    /// <summary>Lets go of the root as a killed process would: the lock is released, the temp files stay.</summary>
    public void ReleaseLock() => _lock?.Dispose();

    public void Dispose()
    {
        _tempFiles?.Dispose();
        _lock?.Dispose();
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

    private void RemoveStaleTemporaryFiles()
    {
        // Earlier runs' upload folders, and temp files directly in .incoming/ (where older versions put them).
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
}
