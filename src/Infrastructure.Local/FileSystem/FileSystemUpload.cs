using ImagingGateway.Application.Common.Ports;
using Microsoft.Win32.SafeHandles;

namespace ImagingGateway.Infrastructure.Local.FileSystem;

/// <summary>
/// One two-phase write: bytes go to a temp file in <c>.incoming/</c>; <see cref="CommitAsync"/> makes it durable and
/// renames it to its key; disposing without a commit deletes the temp file, so nothing partial ever has a key.
/// </summary>
internal sealed class FileSystemUpload : IInstanceUpload
{
    private readonly FileSystemInstanceStore _store;
    private readonly SafeFileHandle _handle;
    private readonly UploadStream _stream;
    private int _state; // 0 open, 1 committing, 2 committed, 3 discarded

    public FileSystemUpload(FileSystemInstanceStore store, string key, string tempPath, SafeFileHandle handle, int bufferSize, long writeBehindFrom, bool releaseWritten)
    {
        _store = store;
        Key = key;
        TempPath = tempPath;
        _handle = handle;
        _stream = new UploadStream(handle, bufferSize, writeBehindFrom, releaseWritten);
    }

    public string Key { get; }

    public string TempPath { get; }

    public Stream Content => _stream;

    public async Task<StoredObjectInfo> CommitAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException($"upload of '{Key}' was already committed or discarded");
        }

        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (size, checksum, sha256) = await _stream.CompleteAsync().ConfigureAwait(false);
            var info = await _store.CommitAsync(this, _handle, size, checksum, sha256).ConfigureAwait(false);
            Volatile.Write(ref _state, 2);
            return info;
        }
        catch
        {
            Volatile.Write(ref _state, 1);
            throw;
        }
        finally
        {
            _handle.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        var previous = Interlocked.Exchange(ref _state, 3);
        _stream.Dispose();
        _handle.Dispose();
        if (previous != 2)
        {
            // Not committed (or the commit failed): the temp file must not survive. A failed commit may already have
            // been renamed before its directory fsync failed; then the object stays, as after any ambiguous write.
            _store.Discard(TempPath);
        }

        return ValueTask.CompletedTask;
    }
}
