using System.IO.Compression;
using ImagingGateway.Dicom.Dictionary;

namespace ImagingGateway.Dicom.Reading;

/// <summary>
/// Walks a Deflated Explicit VR Little Endian data set (PS3.5 A.5: one raw Deflate stream, no zlib header) as its
/// compressed bytes stream past: each fragment is inflated at once through a small buffer and the inflated bytes go to
/// a <see cref="DataSetStructureWalker"/>, so neither the compressed nor the inflated data set is ever held. The walk
/// also stops, with <see cref="InflatedSizeExceeded"/>, once the data set inflates to more than a limit (a deflate
/// bomb), and it fails when the Deflate stream itself is corrupt or ends before its final block.
/// </summary>
public sealed class DeflatedDataSetWalker : IDataSetStructureWalk
{
    private const int InflateBufferBytes = 64 * 1024;

    private readonly DataSetStructureWalker _walker;
    private readonly long _maxInflatedBytes;
    private readonly Feed _feed = new();
    private readonly DeflateStream _inflater;
    private readonly byte[] _buffer = new byte[InflateBufferBytes];

    public DeflatedDataSetWalker(long maxInflatedBytes, int maxDepth = 64)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxInflatedBytes);
        _maxInflatedBytes = maxInflatedBytes;
        _walker = new DataSetStructureWalker(TransferSyntax.ExplicitVRLittleEndian, maxDepth);
        _inflater = new DeflateStream(_feed, CompressionMode.Decompress);
    }

    /// <inheritdoc />
    public DicomReadError? Error { get; private set; }

    /// <summary>True once the data set inflated to more than the limit; <see cref="Error"/> then names the limit.</summary>
    public bool InflatedSizeExceeded { get; private set; }

    /// <summary>The most bytes the data set may inflate to.</summary>
    public long MaxInflatedBytes => _maxInflatedBytes;

    /// <summary>Bytes inflated so far.</summary>
    public long InflatedBytes { get; private set; }

    /// <inheritdoc />
    public void Append(ReadOnlyMemory<byte> bytes)
    {
        if (Error is null && !bytes.IsEmpty)
        {
            // The fragment is lent to the inflater only for this call: it is inflated to the end before returning.
            _feed.Lend(bytes);
            Drain();
            _feed.Lend(ReadOnlyMemory<byte>.Empty);
        }
    }

    /// <inheritdoc />
    public DicomReadError? Finish()
    {
        if (Error is null)
        {
            _feed.Ended = true;
            Drain();
            // An inflater that has not seen the final block asks its input for more; a finished one never does.
            if (Error is null && _feed.ReadAfterEnd)
            {
                Error = new DicomReadError("the deflated data set ends before its final Deflate block", InflatedBytes);
            }
        }

        if (Error is null)
        {
            Error = _walker.Finish();
        }

        _inflater.Dispose();
        return Error;
    }

    private void Drain()
    {
        try
        {
            int read;
            while (Error is null && (read = _inflater.Read(_buffer)) > 0)
            {
                InflatedBytes += read;
                if (InflatedBytes > _maxInflatedBytes)
                {
                    InflatedSizeExceeded = true;
                    Error = new DicomReadError($"the data set inflates to more than {_maxInflatedBytes} bytes", _maxInflatedBytes);
                    return;
                }

                _walker.Append(_buffer.AsMemory(0, read));
                Error = _walker.Error;
            }
        }
        catch (InvalidDataException ex)
        {
            Error = new DicomReadError($"the deflated data set is corrupt: {ex.Message}", InflatedBytes);
        }
    }

    /// <summary>The inflater's input: the fragment being walked, and nothing (not end of data) between fragments.</summary>
    private sealed class Feed : Stream
    {
        private ReadOnlyMemory<byte> _bytes;

        /// <summary>The data set ended: no fragment follows.</summary>
        public bool Ended { get; set; }

        /// <summary>The inflater asked for more input after the data set ended.</summary>
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

        public void Lend(ReadOnlyMemory<byte> bytes) => _bytes = bytes;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, _bytes.Length);
            _bytes.Span[..n].CopyTo(buffer);
            _bytes = _bytes[n..];
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
