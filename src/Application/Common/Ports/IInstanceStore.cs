namespace ImagingGateway.Application.Common.Ports;

/// <summary>
/// Where received instances and batch manifests live (the DICOM bucket, or a folder with the same keys).
/// Writes are two-phase: <see cref="BeginPutAsync"/> opens an upload, the caller streams into it, and only
/// <see cref="IInstanceUpload.CommitAsync"/> makes the object visible, durably. Disposing an uncommitted upload
/// discards it, so a partial instance never becomes visible.
/// <para>
/// Failures of the store itself (disk full, bucket unreachable, access denied) surface as <see cref="IOException"/>
/// (or <see cref="UnauthorizedAccessException"/> / <see cref="TimeoutException"/>): StoreInstance answers those
/// with DIMSE 0xA700 "out of resources" so the sender retries. Wrap SDK exceptions in an IOException.
/// </para>
/// <para>InstanceStoreContract (tests/Application.Tests/Common/Ports/Contracts) holds every adapter to this.</para>
/// </summary>
public interface IInstanceStore
{
    Task<IInstanceUpload> BeginPutAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Opens the object for reading, or returns null when it does not exist. A range reads at most its length from its
    /// offset: nothing when it starts at or past the end. A negative offset or length is an
    /// <see cref="ArgumentOutOfRangeException"/>.
    /// </summary>
    Task<Stream?> OpenReadAsync(string key, ByteRange? range, CancellationToken cancellationToken);

    /// <summary>The object's size and time, or null when it does not exist; its checksum when the store has it at hand.</summary>
    Task<StoredObjectInfo?> GetInfoAsync(string key, CancellationToken cancellationToken);

    /// <summary>Every object whose key starts with <paramref name="prefix"/>, in ordinal key order.</summary>
    IAsyncEnumerable<StoredObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the object; nothing happens when there is none. Used for bookkeeping objects (open-batch markers), never
    /// for instances or manifests. A store may bring back an object deleted just before a crash (the file system
    /// store's journal replays recent commits), so a caller treats a deleted object that reappears as harmless.
    /// </summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// The URI the import service reads a key or prefix at (s3://bucket/key, or file:///…); a prefix's URI is a prefix of
    /// its keys' URIs.
    /// </summary>
    string LocationOf(string keyOrPrefix);
}

/// <summary>An upload in progress. Write to <see cref="Content"/>, then commit; dispose without commit to discard.</summary>
public interface IInstanceUpload : IAsyncDisposable
{
    string Key { get; }

    Stream Content { get; }

    /// <summary>
    /// Makes the object durable and visible, replacing any object of the same key whole. Returns its size and its
    /// checksum in the store's own algorithm (<see cref="ObjectChecksum"/>). An upload commits once: a second commit
    /// is an <see cref="InvalidOperationException"/>.
    /// </summary>
    Task<StoredObjectInfo> CommitAsync(CancellationToken cancellationToken);
}

public readonly record struct ByteRange(long Offset, long Length);

public sealed record StoredObjectInfo(string Key, long Size, string? Checksum, DateTimeOffset LastModified);
