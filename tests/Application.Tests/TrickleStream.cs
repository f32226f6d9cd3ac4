namespace ImagingGateway.Application.Tests;

/// <summary>
/// A read-only stream that hands out its bytes a few at a time, as P-DATA fragments arrive, and can fail after a
/// given number of bytes (an aborted association). Records how much was read.
/// </summary>
public sealed class TrickleStream(byte[] data, int maxRead = int.MaxValue, long failAfter = long.MaxValue) : Stream
{
    private long _position;

    public bool ReadToEnd => _position == data.Length;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= failAfter)
        {
            throw new IOException("the association was aborted (A-ABORT)");
        }

        var n = (int)Math.Min(Math.Min(buffer.Length, maxRead), Math.Min(data.Length - _position, failAfter - _position));
        data.AsSpan((int)_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
