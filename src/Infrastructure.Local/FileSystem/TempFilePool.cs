using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ImagingGateway.Infrastructure.Local.FileSystem;

/// <summary>
/// Empty temp files created ahead of need in the store's upload folder (<c>.incoming/{store}/</c>), so an upload starts
/// without creating a file. Creating a file allocates an inode and adds a directory entry; on ext4 the inode allocator
/// also steps over the inodes of its group freed in the last minutes, which after mass deletions cost 0.2–1 ms per
/// create on the C-STORE's own path while the sender waited (docs/performance.md). A background thread keeps up to
/// <c>capacity</c> files ready and refills the pool once half of it is taken; when none is ready (a burst larger than
/// the pool, or the thread is behind), <see cref="Take"/> returns null and the upload creates its own file, as it would
/// without the pool. A ready file is empty and never named by a key: at start-up the store deletes whatever
/// <c>.incoming/</c> holds, pool files included.
/// </summary>
internal sealed class TempFilePool : IDisposable
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    private readonly ConcurrentQueue<string> _ready = new();
    private readonly Func<string> _newTempPath;
    private readonly int _capacity;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _taken = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private int _count;
    private int _disposed;

    public TempFilePool(int capacity, Func<string> newTempPath, ILogger logger)
    {
        _capacity = capacity;
        _newTempPath = newTempPath;
        _logger = logger;
        _thread = new Thread(Refill) { IsBackground = true, Name = "fs-temp-files" };
        _thread.Start();
    }

    /// <summary>Files ready now (the store reports it; tests wait on it).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The path of a ready, empty temp file that now belongs to the caller; null when none is ready.</summary>
    public string? Take()
    {
        if (!_ready.TryDequeue(out var path))
        {
            return null;
        }

        // The thread is woken once half the pool is gone, and then refills it whole: one wake-up per capacity / 2
        // uploads instead of one per upload.
        if (Interlocked.Decrement(ref _count) == _capacity / 2)
        {
            _taken.Release();
        }

        return path;
    }

    public void Dispose()
    {
        // The store may be disposed more than once (the host's container and its owner both do).
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(10));
        _stop.Dispose();
        _taken.Dispose();
    }

    private static void Create(string path) => File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite).Dispose();

    private void Refill()
    {
        var token = _stop.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                while (Volatile.Read(ref _count) < _capacity && !token.IsCancellationRequested)
                {
                    var path = _newTempPath();
                    try
                    {
                        Create(path);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        // Disk full, say: uploads create their own files (and report the failure); try again later.
                        _logger.LogWarning(ex, "could not prepare a temp file in {TempPath}; retrying in {Delay}", path, RetryAfterFailure);
                        token.WaitHandle.WaitOne(RetryAfterFailure);
                        continue;
                    }

                    _ready.Enqueue(path);
                    Interlocked.Increment(ref _count);
                }

                _taken.Wait(token);
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }
}
