using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ImagingGateway.Infrastructure.Local.FileSystem;

/// <summary>
/// Empty temp files created ahead of need in the store's upload folder (<c>.incoming/{store}/</c>), so an upload starts
/// without creating a file. Creating a file allocates an inode and adds a directory entry; on ext4 without a journal
/// (the benchmark VM's disk) the inode allocator also steps over every inode of the group freed in the last minute or
/// more, one inode-table lookup each, which after a mass deletion made each create cost 0.2–1 ms on the C-STORE's own
/// path (the sender waiting). A background thread keeps up to <c>capacity</c> files ready and refills the pool once
/// half of it is taken; when none is ready (a burst larger than the pool, or the thread is behind), <see cref="Take"/>
/// returns null and the upload creates its own file, as it would without the pool. A ready file is empty and never
/// named by a key: at start-up the store deletes whatever <c>.incoming/</c> holds, pool files included.
/// <para>
/// With <c>flushCreated</c> (a durable store that asks for it; off by default since session 12), each new file is
/// fsynced as soon as it is created, on the pool's thread. The "last minute or more" above is 60 s, or 360 s while the
/// freed inode's inode-table block is dirty in the buffer cache (<c>RECENTCY_MIN</c>, <c>RECENTCY_DIRTY</c> in
/// <c>fs/ext4/ialloc.c</c>): writing each new inode at once keeps those blocks clean, and the creates fast. On the
/// benchmark VM, after the harness's deletions, a create took 0.9 ms alone and 0.1–0.3 ms when each was followed by an
/// fsync; this is also why DCMTK storescp made durable (an fsync per file) beat plain storescp on 8 KB files
/// (docs/performance.md, session 9). Since the store creates each start's files in a folder of its own, away from the
/// last deletions, the flush only costs a metadata write and a device flush per instance (two block requests, each a
/// costly exit on the benchmark VM), off the C-STORE's path (session 12).
/// </para>
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
    private readonly bool _flushCreated;
    private int _count;
    private int _disposed;
    private long _flushedCreates;

    /// <param name="flushCreated">fsync each new file once created (see the remarks above).</param>
    public TempFilePool(int capacity, Func<string> newTempPath, ILogger logger, bool flushCreated = false)
    {
        _capacity = capacity;
        _newTempPath = newTempPath;
        _logger = logger;
        _flushCreated = flushCreated;
        _thread = new Thread(Refill) { IsBackground = true, Name = "fs-temp-files" };
        _thread.Start();
    }

    /// <summary>Files ready now (the store reports it; tests wait on it).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Prepared files flushed so far.</summary>
    public long FlushedCreates => Interlocked.Read(ref _flushedCreates);

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

    private void Create(string path)
    {
        using var created = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite);
        if (_flushCreated)
        {
            RandomAccess.FlushToDisk(created);
            Interlocked.Increment(ref _flushedCreates);
        }
    }

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
