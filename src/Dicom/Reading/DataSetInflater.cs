using System.Buffers;
using System.IO.Compression;

namespace ImagingGateway.Dicom.Reading;

/// <summary>
/// Inflates a Deflated Explicit VR Little Endian data set (PS3.5 A.5: the whole data set is one raw Deflate stream,
/// RFC 1951, with no zlib header) from compressed segments as they arrive, through one small buffer, so neither the
/// compressed nor the inflated data set is ever held. It fails once the output passes a limit (a deflate bomb), when the
/// stream is corrupt, and when the input ends before the final Deflate block.
/// </summary>
internal sealed class DataSetInflater : IDisposable
{
    private readonly LentInput _input = new();
    private readonly DeflateStream _deflate;
    private readonly byte[] _output;
    private readonly long _maxInflatedBytes;

    /// <param name="maxInflatedBytes">The most bytes the data set may inflate to.</param>
    /// <param name="chunkBytes">The largest inflated chunk handed on at once: small when only the start is wanted.</param>
    public DataSetInflater(long maxInflatedBytes, int chunkBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxInflatedBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkBytes);
        _maxInflatedBytes = maxInflatedBytes;
        _output = new byte[chunkBytes];
        _deflate = new DeflateStream(_input, CompressionMode.Decompress);
    }

    /// <summary>Hands each inflated chunk to the consumer (valid only during the call); false from it stops inflating.</summary>
    public delegate bool InflatedChunkConsumer(ReadOnlySequence<byte> inflated);

    /// <summary>The first error (corrupt stream, limit passed, cut stream); nothing is inflated after it.</summary>
    public DicomReadError? Error { get; private set; }

    /// <summary>True when <see cref="Error"/> is the limit being passed.</summary>
    public bool SizeExceeded { get; private set; }

    public long MaxInflatedBytes => _maxInflatedBytes;

    public long InflatedBytes { get; private set; }

    /// <summary>Inflates the next compressed bytes; false once the consumer stopped or an error was found.</summary>
    public bool Write(ReadOnlySequence<byte> deflated, InflatedChunkConsumer consumer)
    {
        if (Error is not null || deflated.IsEmpty)
        {
            return Error is null;
        }

        // The segment is lent to the inflater only for this call: it is inflated to its end before returning.
        _input.Lend(deflated);
        try
        {
            return Drain(consumer);
        }
        finally
        {
            _input.Lend(ReadOnlySequence<byte>.Empty);
        }
    }

    /// <summary>The compressed data ended: inflates what is left and checks that the final Deflate block was seen.</summary>
    public bool Finish(InflatedChunkConsumer consumer)
    {
        if (Error is not null)
        {
            return false;
        }

        _input.Ended = true;
        if (!Drain(consumer))
        {
            return false;
        }

        // An inflater that has not seen the final block asks its input for more; a finished one never does.
        if (_input.ReadAfterEnd)
        {
            Error = new DicomReadError("the deflated data set ends before its final Deflate block", InflatedBytes);
            return false;
        }

        return true;
    }

    public void Dispose() => _deflate.Dispose();

    private bool Drain(InflatedChunkConsumer consumer)
    {
        try
        {
            int read;
            while ((read = _deflate.Read(_output)) > 0)
            {
                InflatedBytes += read;
                if (InflatedBytes > _maxInflatedBytes)
                {
                    SizeExceeded = true;
                    Error = new DicomReadError($"the data set inflates to more than {_maxInflatedBytes} bytes", _maxInflatedBytes);
                    return false;
                }

                if (!consumer(new ReadOnlySequence<byte>(_output, 0, read)))
                {
                    return false;
                }
            }

            return true;
        }
        catch (InvalidDataException ex)
        {
            Error = new DicomReadError($"the deflated data set is corrupt: {ex.Message}", InflatedBytes);
            return false;
        }
    }

    /// <summary>The inflater's input: the segment being inflated, and nothing (not end of data) between segments.</summary>
    private sealed class LentInput : Stream
    {
        private ReadOnlySequence<byte> _bytes;

        /// <summary>The compressed data ended: no segment follows.</summary>
        public bool Ended { get; set; }

        /// <summary>The inflater asked for more input after the data ended.</summary>
        public bool ReadAfterEnd { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public void Lend(ReadOnlySequence<byte> bytes) => _bytes = bytes;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, _bytes.Length);
            _bytes.Slice(0, n).CopyTo(buffer);
            _bytes = _bytes.Slice(n);
            ReadAfterEnd |= Ended && n == 0;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
