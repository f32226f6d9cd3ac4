using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace ImagingGateway.Infrastructure.Local.FileSystem;

/// <summary>
/// The write side of an upload: a large pooled buffer in front of positional writes to the temp file, with every
/// byte fed through SHA-256 on the way. Writes to the page cache are a memory copy, so a full buffer is written
/// inline (pwrite) rather than through a thread-pool hop, and its writeback is started at once (<see cref="WriteBehind"/>),
/// so a large instance is mostly on disk when it is committed; only the commit's fsync waits, and that is grouped.
/// Writeback starts only once the upload is larger than <paramref name="writeBehindFrom"/>: a smaller one is committed
/// through the journal, and its temp file reaches the disk later, at the journal's checkpoint.
/// </summary>
internal sealed class UploadStream(SafeFileHandle handle, int bufferSize, long writeBehindFrom = 0) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
    private int _buffered;
    private long _fileOffset;
    private bool _completed;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_completed && _buffer is not null;

    public override long Length => _fileOffset + _buffered;

    public override long Position
    {
        get => Length;
        set => throw new NotSupportedException("an upload is written front to back");
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> data)
    {
        var buffer = WritableBuffer();
        _hash.AppendData(data);
        if (_buffered == 0 && data.Length >= buffer.Length)
        {
            RandomAccess.Write(handle, data, _fileOffset);
            StartWriteBehind(data.Length);
            _fileOffset += data.Length;
            return;
        }

        while (!data.IsEmpty)
        {
            var n = Math.Min(data.Length, buffer.Length - _buffered);
            data[..n].CopyTo(buffer.AsSpan(_buffered));
            _buffered += n;
            data = data[n..];
            if (_buffered == buffer.Length)
            {
                WriteBuffer();
            }
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Writes what is buffered to the file (no fsync: durability is the commit's job).</summary>
    public override void Flush()
    {
        if (_buffer is not null && !_completed)
        {
            WriteBuffer();
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        Flush();
        return Task.CompletedTask;
    }

    /// <summary>Writes the rest and closes the stream to further writes; returns the size and lowercase hex SHA-256.</summary>
    public (long Size, string Sha256) Complete()
    {
        WritableBuffer();
        WriteBuffer();
        _completed = true;
        var hash = Convert.ToHexStringLower(_hash.GetHashAndReset());
        ReturnBuffer();
        return (_fileOffset, hash);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ReturnBuffer();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    private byte[] WritableBuffer()
    {
        if (_completed)
        {
            throw new InvalidOperationException("the upload is already committed");
        }

        return _buffer ?? throw new ObjectDisposedException(nameof(UploadStream));
    }

    private void WriteBuffer()
    {
        if (_buffered == 0 || _buffer is null)
        {
            return;
        }

        RandomAccess.Write(handle, _buffer.AsSpan(0, _buffered), _fileOffset);
        StartWriteBehind(_buffered);
        _fileOffset += _buffered;
        _buffered = 0;
    }

    private void StartWriteBehind(int written)
    {
        var end = _fileOffset + written;
        if (end <= writeBehindFrom)
        {
            return;
        }

        // The first time past the threshold, everything written so far goes too.
        var start = _fileOffset <= writeBehindFrom ? 0 : _fileOffset;
        WriteBehind.Start(handle, start, end - start);
    }

    private void ReturnBuffer()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
