namespace ImagingGateway.Infrastructure.Local.Tests.TestSupport;

/// <summary>
/// A seekable, read-only stream of <c>prefix</c>, <c>zeros</c> zero bytes generated on demand, then <c>suffix</c>: a file
/// of any size that costs no memory. Reads complete synchronously, so a reader's async code runs on the caller's thread.
/// </summary>
public sealed class GeneratedFileStream(byte[] prefix, long zeros, byte[] suffix) : Stream
{
    private long _position;

    /// <summary>Bytes handed out so far, counting a re-read after a seek again.</summary>
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => prefix.Length + zeros + suffix.Length;

    public override long Position
    {
        get => _position;
        set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Max(0, Math.Min(buffer.Length, Length - _position));
        var written = 0;
        while (written < n)
        {
            var p = _position + written;
            var target = buffer[written..n];
            int chunk;
            if (p < prefix.Length)
            {
                chunk = Math.Min(target.Length, prefix.Length - (int)p);
                prefix.AsSpan((int)p, chunk).CopyTo(target);
            }
            else if (p < prefix.Length + zeros)
            {
                chunk = (int)Math.Min(target.Length, prefix.Length + zeros - p);
                target[..chunk].Clear();
            }
            else
            {
                var s = (int)(p - prefix.Length - zeros);
                chunk = Math.Min(target.Length, suffix.Length - s);
                suffix.AsSpan(s, chunk).CopyTo(target);
            }

            written += chunk;
        }

        _position += n;
        BytesRead += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => Length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
