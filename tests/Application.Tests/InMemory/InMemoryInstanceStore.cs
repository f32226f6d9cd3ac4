using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using ImagingGateway.Application.Common.Ports;

namespace ImagingGateway.Application.Tests.InMemory;

/// <summary>
/// <see cref="IInstanceStore"/> in memory with the port's two-phase semantics: nothing is visible before
/// <see cref="IInstanceUpload.CommitAsync"/>, and disposing an uncommitted upload discards it. Faults can be injected.
/// </summary>
public sealed class InMemoryInstanceStore(TimeProvider time) : IInstanceStore
{
    public const string Root = "mem://dicom-bucket/";

    private readonly ConcurrentDictionary<string, StoredObject> _objects = new(StringComparer.Ordinal);
    private int _openUploads;
    private int _discardedUploads;

    /// <summary>When set, writing to an upload's content of a key it matches throws <see cref="IOException"/>.</summary>
    public Func<string, bool>? FailWrites { get; set; }

    /// <summary>When set, committing an upload of a key it matches throws <see cref="IOException"/>.</summary>
    public Func<string, bool>? FailCommits { get; set; }

    /// <summary>A commit of a key for which this returns a task waits for it before committing (a slow store, held by a test).</summary>
    public Func<string, Task?>? HoldCommits { get; set; }

    /// <summary>When set, deleting a key it matches throws <see cref="IOException"/>.</summary>
    public Func<string, bool>? FailDeletes { get; set; }

    /// <summary>Every prefix listed, in order (what a scan costs).</summary>
    public ConcurrentQueue<string> ListedPrefixes { get; } = new();

    public int OpenUploads => Volatile.Read(ref _openUploads);

    private DateTimeOffset Now => time.GetUtcNow();

    public int DiscardedUploads => Volatile.Read(ref _discardedUploads);

    public IReadOnlyCollection<string> Keys => [.. _objects.Keys.Order(StringComparer.Ordinal)];

    public byte[] Read(string key) => _objects[key].Data;

    public bool Exists(string key) => _objects.ContainsKey(key);

    /// <summary>Puts an object directly, as if another writer had committed it.</summary>
    public void Put(string key, byte[] data) => _objects[key] = new StoredObject(data, ChecksumOf(data), time.GetUtcNow());

    public bool Remove(string key) => _objects.TryRemove(key, out _);

    public Task<IInstanceUpload> BeginPutAsync(string key, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _openUploads);
        return Task.FromResult<IInstanceUpload>(new Upload(this, key));
    }

    public Task<Stream?> OpenReadAsync(string key, ByteRange? range, CancellationToken cancellationToken)
    {
        if (!_objects.TryGetValue(key, out var o))
        {
            return Task.FromResult<Stream?>(null);
        }

        var offset = (int)Math.Min(range?.Offset ?? 0, o.Data.Length);
        var length = (int)Math.Min(range?.Length ?? o.Data.Length, o.Data.Length - offset);
        return Task.FromResult<Stream?>(new MemoryStream(o.Data, offset, length, writable: false));
    }

    public Task<StoredObjectInfo?> GetInfoAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(_objects.TryGetValue(key, out var o) ? new StoredObjectInfo(key, o.Data.Length, o.Checksum, o.LastModified) : null);

    public async IAsyncEnumerable<StoredObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ListedPrefixes.Enqueue(prefix);
        foreach (var key in _objects.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_objects.TryGetValue(key, out var o))
            {
                yield return new StoredObjectInfo(key, o.Data.Length, o.Checksum, o.LastModified);
            }
        }

        await Task.CompletedTask;
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        if (FailDeletes?.Invoke(key) == true)
        {
            throw new IOException($"injected delete failure for {key}");
        }

        _objects.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    public string LocationOf(string keyOrPrefix) => Root + keyOrPrefix;

    private static string ChecksumOf(byte[] data) => ObjectChecksum.Sha256(SHA256.HashData(data));

    private sealed record StoredObject(byte[] Data, string Checksum, DateTimeOffset LastModified);

    private sealed class Upload(InMemoryInstanceStore store, string key) : IInstanceUpload
    {
        private readonly FaultingStream _content = new(() => store.FailWrites?.Invoke(key) == true);
        private bool _committed;
        private bool _disposed;

        public string Key => key;

        public Stream Content => _content;

        public async Task<StoredObjectInfo> CommitAsync(CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_committed)
            {
                throw new InvalidOperationException($"the upload of {key} is already committed");
            }

            if (store.HoldCommits?.Invoke(key) is { } hold)
            {
                await hold.WaitAsync(cancellationToken);
            }

            if (store.FailCommits?.Invoke(key) == true)
            {
                throw new IOException($"injected commit failure for {key}");
            }

            var data = _content.ToArray();
            var stored = new StoredObject(data, ChecksumOf(data), store.Now);
            store._objects[key] = stored;
            _committed = true;
            return new StoredObjectInfo(key, data.Length, stored.Checksum, stored.LastModified);
        }

        public ValueTask DisposeAsync()
        {
            if (!_disposed)
            {
                _disposed = true;
                Interlocked.Decrement(ref store._openUploads);
                if (!_committed)
                {
                    Interlocked.Increment(ref store._discardedUploads);
                }

                _content.Dispose();
            }

            return ValueTask.CompletedTask;
        }
    }

    private sealed class FaultingStream(Func<bool> fail) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            Check();
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Check();
            base.Write(buffer);
        }

        public override void WriteByte(byte value)
        {
            Check();
            base.WriteByte(value);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Check();
            return base.WriteAsync(buffer, offset, count, cancellationToken);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Check();
            return base.WriteAsync(buffer, cancellationToken);
        }

        private void Check()
        {
            if (fail())
            {
                throw new IOException("injected write failure: no space left on device");
            }
        }
    }
}
