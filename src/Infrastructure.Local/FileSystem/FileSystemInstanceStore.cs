using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using ImagingGateway.Application.Common.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace ImagingGateway.Infrastructure.Local.FileSystem;

/// <summary>
/// <see cref="IInstanceStore"/> on a folder with the S3 key layout (<c>{root}/dicom/…/{sop}.dcm</c>,
/// <c>{root}/batches/{batchId}.json</c>). Keys are validated by <see cref="ObjectKeyValidator"/>, so no key leaves the
/// root. Writes are two-phase and durable: temp file in <c>{root}/.incoming/</c> (same file system, so the rename is
/// atomic), SHA-256 on the way in, and on commit fsync file → rename → fsync directory, grouped across concurrent
/// commits by <see cref="GroupCommitter"/>. A root belongs to one process: at start-up every temp file left in
/// <c>.incoming/</c> by a previous run is deleted.
/// </summary>
public sealed class FileSystemInstanceStore : IInstanceStore, IDisposable
{
    public const string IncomingFolder = ".incoming";
    private const string TempSuffix = ".tmp";

    private readonly FileSystemStoreOptions _options;
    private readonly ObjectCreatedNotifications? _notifications;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly GroupCommitter _committer;
    private readonly ConcurrentDictionary<string, byte> _durableDirectories = new(StringComparer.Ordinal);

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
        Directory.CreateDirectory(IncomingDirectory);
        RemoveStaleTemporaryFiles();
        if (options.Durable)
        {
            if (!rootExisted && Path.GetDirectoryName(Root) is { } parent)
            {
                DirectorySync.Flush(parent);
            }

            DirectorySync.Flush(Root);
        }

        _durableDirectories[Root] = 0;
        _durableDirectories[IncomingDirectory] = 0;
        _committer = new GroupCommitter(options.MaxGroupSize, options.MaxParallelFlushes, options.Durable, d => _durableDirectories[d] = 0);
    }

    /// <summary>The absolute root folder, without a trailing separator.</summary>
    public string Root { get; }

    public string IncomingDirectory { get; }

    /// <summary>Commits flushed so far and the groups they were flushed in (commits / groups = the sharing achieved).</summary>
    public (long Commits, long Groups) CommitStatistics => (_committer.Commits, _committer.Groups);

    public Task<IInstanceUpload> BeginPutAsync(string key, CancellationToken cancellationToken)
    {
        ObjectKeyValidator.EnsureValid(key);
        cancellationToken.ThrowIfCancellationRequested();
        var tempPath = Path.Combine(IncomingDirectory, Guid.NewGuid().ToString("N") + TempSuffix);
        var handle = File.OpenHandle(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None);
        return Task.FromResult<IInstanceUpload>(new FileSystemUpload(this, key, tempPath, handle, _options.UploadBufferSize));
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

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // Deleting what does not exist succeeds, as in S3.
        }

        return Task.CompletedTask;
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

    public void Dispose() => _committer.Dispose();

    internal async Task<StoredObjectInfo> CommitAsync(FileSystemUpload upload, SafeFileHandle handle, long size, string sha256)
    {
        var finalPath = PathOf(upload.Key);
        var directory = Path.GetDirectoryName(finalPath)!;
        var toSync = new List<string>(2) { directory };
        EnsureDirectory(directory, toSync);
        await _committer.CommitAsync(new PendingCommit(handle, upload.TempPath, finalPath, toSync)).ConfigureAwait(false);

        var info = new StoredObjectInfo(upload.Key, size, sha256, _time.GetUtcNow());
        if (_notifications is not null && upload.Key.StartsWith(_options.NotificationPrefix, StringComparison.Ordinal))
        {
            _notifications.Publish(new ObjectCreatedEvent(info.Key, info.Size, info.Sha256, info.LastModified));
        }

        return info;
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
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(IncomingDirectory))
        {
            try
            {
                File.Delete(file);
                removed++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning(ex, "could not delete stale upload {TempPath}", file);
            }
        }

        if (removed > 0)
        {
            _logger.LogInformation("removed {Count} partial uploads left by a previous run in {Folder}", removed, IncomingDirectory);
        }
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
