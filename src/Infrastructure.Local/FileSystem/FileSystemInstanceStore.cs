using System.Runtime.CompilerServices;
using ImagingGateway.Application.Common.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace ImagingGateway.Infrastructure.Local.FileSystem;

/// <summary>
/// <see cref="IInstanceStore"/> on a folder with the S3 key layout (<c>{root}/dicom/…/{sop}.dcm</c>,
/// <c>{root}/batches/{batchId}.json</c>), composed of the root (<see cref="FileSystemStoreRoot"/>: keys, folders, temp
/// files, the writer's lock), the <see cref="CommitPipeline"/> (journal, group commit, fsyncs) and the
/// <see cref="ObjectCreatedNotifier"/>. An upload streams into a temp file through <see cref="UploadStream"/>, which
/// computes the object's XXH3 checksum on the way in; its commit is durable before it returns.
/// </summary>
public sealed class FileSystemInstanceStore : IInstanceStore, IDisposable
{
    private readonly FileSystemStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly FileSystemStoreRoot _root;
    private readonly CommitPipeline? _pipeline;
    private readonly ObjectCreatedNotifier _notifier;

    public FileSystemInstanceStore(
        FileSystemStoreOptions options,
        ObjectCreatedNotifications? notifications = null,
        TimeProvider? time = null,
        ILogger<FileSystemInstanceStore>? logger = null)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
        var log = (ILogger?)logger ?? NullLogger.Instance;
        _notifier = new ObjectCreatedNotifier(notifications, options.NotificationPrefix);
        _root = new FileSystemStoreRoot(options, log);
        if (_root.IsWritable)
        {
            try
            {
                _pipeline = new CommitPipeline(_root, options, log);
            }
            catch
            {
                _root.Dispose();
                throw;
            }

            _root.PrepareTempFiles(options.PreparedTempFiles);
        }

        Diagnostics = new FileSystemStoreDiagnostics(_root, _pipeline);
    }

    /// <summary>The folders, counters and crash switch tests look at.</summary>
    internal FileSystemStoreDiagnostics Diagnostics { get; }

    public Task<IInstanceUpload> BeginPutAsync(string key, CancellationToken cancellationToken)
    {
        ObjectKeyValidator.EnsureValid(key);
        cancellationToken.ThrowIfCancellationRequested();
        _root.EnsureWritable();
        var (tempPath, handle) = _root.OpenTempFile();
        return Task.FromResult<IInstanceUpload>(new FileSystemUpload(this, key, tempPath, handle, _options.UploadBufferSize, _pipeline!.WriteBehindFrom, releaseWritten: _pipeline.ReleasesWrittenRanges));
    }

    public Task<Stream?> OpenReadAsync(string key, ByteRange? range, CancellationToken cancellationToken)
    {
        var path = _root.PathOf(key);
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

        if (r.Offset < 0 || r.Length < 0)
        {
            file.Dispose();
            throw new ArgumentOutOfRangeException(nameof(range), $"range {r.Offset}+{r.Length} of '{key}' has a negative offset or length");
        }

        // A range from the end or past it reads nothing, as S3's does.
        var size = file.Length;
        var offset = Math.Min(r.Offset, size);
        file.Position = offset;
        return Task.FromResult<Stream?>(new RangeReadStream(file, Math.Min(r.Length, size - offset)));
    }

    public Task<StoredObjectInfo?> GetInfoAsync(string key, CancellationToken cancellationToken)
    {
        var info = new FileInfo(_root.PathOf(key));
        return Task.FromResult(info.Exists ? ToInfo(key, info) : null);
    }

    public async IAsyncEnumerable<StoredObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ObjectKeyValidator.EnsureValidPrefix(prefix);
        var slash = prefix.LastIndexOf('/');
        var folderKey = slash < 0 ? string.Empty : prefix[..(slash + 1)];
        var partialName = prefix[(slash + 1)..];
        var folder = _root.FolderOf(folderKey);
        foreach (var item in Walk(folder, folderKey, partialName, cancellationToken))
        {
            yield return item;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        ObjectKeyValidator.EnsureValid(key);
        cancellationToken.ThrowIfCancellationRequested();
        _root.EnsureWritable();
        try
        {
            File.Delete(_root.PathOf(key));
        }
        catch (DirectoryNotFoundException)
        {
            // No folder, so no object: deleting nothing is not an error.
        }

        return Task.CompletedTask;
    }

    public string LocationOf(string keyOrPrefix) => _root.LocationOf(keyOrPrefix);

    public void Dispose()
    {
        _pipeline?.Dispose();
        _root.Dispose();
    }

    /// <summary>Makes an upload's temp file its object, durably, then raises its object-created event.</summary>
    internal async Task<StoredObjectInfo> CommitAsync(FileSystemUpload upload, SafeFileHandle handle, long size, string checksum, byte[]? sha256)
    {
        await _pipeline!.CommitAsync(upload.Key, upload.TempPath, handle, size, sha256).ConfigureAwait(false);
        var info = new StoredObjectInfo(upload.Key, size, checksum, _time.GetUtcNow());
        _notifier.Notify(info);
        return info;
    }

    internal void Discard(string tempPath) => _root.Discard(tempPath);

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
