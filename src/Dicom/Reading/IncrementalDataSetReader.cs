using System.Buffers;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Files;

namespace ImagingGateway.Dicom.Reading;

/// <summary>
/// Reads a data set (PS3.5 7), or a Part 10 file (PS3.10 7.1: preamble, "DICM", meta group, data set), fed in segments
/// as they arrive, and reports it to a visitor through one <see cref="DataSetReader"/>. A Deflated Explicit VR Little
/// Endian data set (PS3.5 A.5) is inflated on the way, up to a limit. Each segment is read in place; the only bytes held
/// between two calls are those of the element cut by the segment's end (with
/// <see cref="ReadOptions.SkipValuesLongerThan"/>, at most that plus a 12-byte header) and, for a file, its meta group
/// until that is read.
/// </summary>
/// <typeparam name="TVisitor">Told of each element; a struct visitor is kept here and reached through <see cref="Visitor"/>.</typeparam>
public sealed class IncrementalDataSetReader<TVisitor>
    where TVisitor : IDataSetVisitor
{
    /// <summary>A meta group larger than this is refused rather than held.</summary>
    public const int MaxFileMetaBytes = 1 << 20;

    /// <summary>The meta group is tried first at this many bytes, then at each doubling: linear however the file is cut.</summary>
    private const int FirstFileMetaAttempt = 1024;

    /// <summary>Bytes joined to a cut element at least, so that a cut header is completed in one step.</summary>
    private const int MinJoin = 32;

    private readonly ReadOptions _options;
    private readonly long _maxInflatedBytes;
    private readonly int _inflateChunkBytes;
    private readonly DataSetInflater.InflatedChunkConsumer _parse;
    private TVisitor _visitor;
    private DataSetReader? _reader;
    private DataSetInflater? _inflater;
    private long _dataSetStart;
    private byte[] _carry = [];
    private int _carryLength;
    private byte[]? _fileStart;
    private int _fileStartLength;
    private int _nextFileMetaAttempt = FirstFileMetaAttempt;

    private IncrementalDataSetReader(TVisitor visitor, ReadOptions? options, long maxInflatedBytes, int inflateChunkBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxInflatedBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inflateChunkBytes);
        _visitor = visitor;
        _options = options ?? ReadOptions.Default;
        _maxInflatedBytes = maxInflatedBytes;
        _inflateChunkBytes = inflateChunkBytes;
        _parse = Parse;
    }

    /// <summary>The visitor, as the reader has updated it.</summary>
    public ref TVisitor Visitor => ref _visitor;

    /// <summary>For a file, its meta information once read (<see cref="FileMetaReadResult.Meta"/> is null for a bare data set).</summary>
    public FileMetaReadResult? FileMeta { get; private set; }

    /// <summary>The data set's transfer syntax, once known.</summary>
    public TransferSyntax? TransferSyntax { get; private set; }

    /// <summary>
    /// The outcome once decided: <see cref="DataSetReadStatus.Stopped"/> (at the options' stop tag),
    /// <see cref="DataSetReadStatus.Completed"/> (only from <see cref="Finish"/>) or <see cref="DataSetReadStatus.Invalid"/>;
    /// null while more bytes are wanted.
    /// </summary>
    public DataSetReadResult? Result { get; private set; }

    /// <summary>True when the error is the Deflate stream's (corrupt, cut, or inflating past the limit), not the data set's.</summary>
    public bool IsInflateError { get; private set; }

    /// <summary>True when the deflated data set inflated past the limit.</summary>
    public bool InflatedSizeExceeded => _inflater?.SizeExceeded == true;

    /// <summary>The most bytes a deflated data set may inflate to.</summary>
    public long MaxInflatedBytes => _maxInflatedBytes;

    /// <summary>Bytes inflated so far (0 unless deflated).</summary>
    public long InflatedBytes => _inflater?.InflatedBytes ?? 0;

    /// <summary>The offset reported for the data set's first byte: its offset in the file, or 0 for a data set or a deflated one.</summary>
    public long DataSetStart => _dataSetStart;

    /// <summary>Bytes of the data set (inflated, when deflated) taken so far, held ones included.</summary>
    public long DataSetPosition => _reader is null ? 0 : _reader.Position - _dataSetStart + _carryLength;

    /// <summary>A reader of a data set in <paramref name="transferSyntax"/>, without meta information.</summary>
    /// <param name="inflateChunkBytes">Inflated bytes read at a time: small when only the start of the data set is wanted.</param>
    public static IncrementalDataSetReader<TVisitor> ForDataSet(TransferSyntax transferSyntax, TVisitor visitor, ReadOptions? options = null, long maxInflatedBytes = long.MaxValue, int inflateChunkBytes = 64 * 1024)
    {
        var reader = new IncrementalDataSetReader<TVisitor>(visitor, options, maxInflatedBytes, inflateChunkBytes);
        reader.Start(transferSyntax, 0);
        return reader;
    }

    /// <summary>A reader of a Part 10 file, or of a bare data set file (read with the transfer syntax its first element suggests).</summary>
    public static IncrementalDataSetReader<TVisitor> ForFile(TVisitor visitor, ReadOptions? options = null, long maxInflatedBytes = long.MaxValue, int inflateChunkBytes = 64 * 1024) =>
        new(visitor, options, maxInflatedBytes, inflateChunkBytes) { _fileStart = new byte[FirstFileMetaAttempt] };

    /// <summary>Reads the next bytes; valid only during the call. False once the outcome is decided (later calls do nothing).</summary>
    public bool Write(ReadOnlySequence<byte> segment)
    {
        if (Result is not null)
        {
            return false;
        }

        if (WriteSegment(segment))
        {
            return true;
        }

        Release();
        return false;
    }

    /// <summary>
    /// No more input will be read (the outcome is decided, or the caller stops early): frees the inflater's native zlib
    /// state now rather than at finalization. Idempotent.
    /// </summary>
    public void Release() => _inflater?.Dispose();

    /// <summary>The input ended: decides with what there is.</summary>
    public DataSetReadResult Finish()
    {
        if (Result is null && _fileStart is not null)
        {
            ReadFileMeta(ReadOnlySequence<byte>.Empty, isFinalBlock: true, out var head);
            if (Result is null)
            {
                WriteDataSet(head);
            }
        }

        if (Result is null && _inflater is { } inflater && !inflater.Finish(_parse) && Result is null)
        {
            InflateFailed(inflater);
        }

        if (Result is null)
        {
            var result = _reader!.Read(new ReadOnlySequence<byte>(_carry, 0, _carryLength), isFinalBlock: true, ref _visitor);
            _carryLength = 0;
            Result = result.Status == DataSetReadStatus.NeedMoreData
                ? new DataSetReadResult(DataSetReadStatus.Invalid, result.Consumed, result.Position, new DicomReadError("Data set does not end on an element boundary", result.Position))
                : result;
        }

        Release();
        return Result.Value;
    }

    private bool WriteSegment(ReadOnlySequence<byte> segment)
    {
        if (_fileStart is not null)
        {
            segment = ReadFileMeta(segment, isFinalBlock: false, out var head);
            if (_fileStart is not null || Result is not null || !WriteDataSet(head))
            {
                return Result is null;
            }
        }

        return WriteDataSet(segment);
    }

    private bool WriteDataSet(ReadOnlySequence<byte> segment)
    {
        if (_inflater is { } inflater)
        {
            if (!inflater.Write(segment, _parse) && Result is null)
            {
                InflateFailed(inflater);
            }

            return Result is null;
        }

        return Parse(segment);
    }

    private void Start(TransferSyntax transferSyntax, long dataSetOffset)
    {
        TransferSyntax = transferSyntax;
        if (transferSyntax.IsDeflated)
        {
            // Offsets in a deflated data set count from its first inflated byte.
            _inflater = new DataSetInflater(_maxInflatedBytes, _inflateChunkBytes);
            dataSetOffset = 0;
        }

        _dataSetStart = dataSetOffset;
        _reader = new DataSetReader(transferSyntax, _options, dataSetOffset);
    }

    private void InflateFailed(DataSetInflater inflater)
    {
        IsInflateError = true;
        Result = new DataSetReadResult(DataSetReadStatus.Invalid, 0, _reader!.Position, inflater.Error);
    }

    /// <summary>
    /// Collects the start of the file until its meta group reads (PS3.10 7.1), then starts the data set reader; returns
    /// what is left of <paramref name="segment"/> after the bytes taken, and in <paramref name="head"/> the data set bytes
    /// among those taken.
    /// </summary>
    private ReadOnlySequence<byte> ReadFileMeta(ReadOnlySequence<byte> segment, bool isFinalBlock, out ReadOnlySequence<byte> head)
    {
        head = default;
        while (true)
        {
            var take = (int)Math.Min(segment.Length, _nextFileMetaAttempt - _fileStartLength);
            if (_fileStartLength + take > _fileStart!.Length)
            {
                Array.Resize(ref _fileStart, _nextFileMetaAttempt);
            }

            segment.Slice(0, take).CopyTo(_fileStart.AsSpan(_fileStartLength));
            _fileStartLength += take;
            segment = segment.Slice(take);
            var final = isFinalBlock && segment.IsEmpty;
            if (_fileStartLength < _nextFileMetaAttempt && !final)
            {
                return segment;
            }

            var meta = Part10Reader.ReadFileMeta(new ReadOnlySequence<byte>(_fileStart, 0, _fileStartLength), final);
            if (meta.Status == FileMetaReadStatus.Invalid)
            {
                Result = new DataSetReadResult(DataSetReadStatus.Invalid, 0, 0, meta.Error);
                return default;
            }

            if (meta.Status == FileMetaReadStatus.Completed)
            {
                FileMeta = meta;
                Start(TransferSyntax.Lookup(meta.DataSetTransferSyntaxUid!), meta.DataSetOffset);
                head = new ReadOnlySequence<byte>(_fileStart, (int)meta.DataSetOffset, _fileStartLength - (int)meta.DataSetOffset);
                _fileStart = null;
                return segment;
            }

            if (final)
            {
                Result = new DataSetReadResult(DataSetReadStatus.Invalid, 0, 0, new DicomReadError("File is truncated in the file meta information", _fileStartLength));
                return default;
            }

            if (_fileStartLength >= MaxFileMetaBytes)
            {
                Result = new DataSetReadResult(DataSetReadStatus.Invalid, 0, 0, new DicomReadError($"File meta information is larger than {MaxFileMetaBytes} bytes", _fileStartLength));
                return default;
            }

            _nextFileMetaAttempt = Math.Min(_nextFileMetaAttempt * 2, MaxFileMetaBytes);
        }
    }

    /// <summary>Reads data set bytes (inflated ones, when deflated); false once the outcome is decided.</summary>
    private bool Parse(ReadOnlySequence<byte> data)
    {
        var reader = _reader!;
        while (Result is null && !data.IsEmpty)
        {
            if (_carryLength == 0)
            {
                var result = reader.Read(data, isFinalBlock: false, ref _visitor);
                if (result.Status != DataSetReadStatus.NeedMoreData)
                {
                    Result = result;
                    return false;
                }

                var rest = data.Slice(result.Consumed);
                EnsureCarry((int)rest.Length);
                rest.CopyTo(_carry);
                _carryLength = (int)rest.Length;
                return true;
            }

            // An element was cut: join new bytes to it, doubling each time, then go on in the caller's memory.
            var held = _carryLength;
            var take = (int)Math.Min(data.Length, Math.Max(MinJoin, held));
            EnsureCarry(held + take);
            data.Slice(0, take).CopyTo(_carry.AsSpan(held));
            var joined = held + take;
            var read = reader.Read(new ReadOnlySequence<byte>(_carry, 0, joined), isFinalBlock: false, ref _visitor);
            if (read.Status != DataSetReadStatus.NeedMoreData)
            {
                Result = read;
                return false;
            }

            if (read.Consumed >= held)
            {
                _carryLength = 0;
                data = data.Slice(read.Consumed - held);
            }
            else
            {
                // Moved only when elements were completed, so a long value arriving a byte at a time costs no more than its length.
                var consumed = (int)read.Consumed;
                if (consumed > 0)
                {
                    _carry.AsSpan(consumed, joined - consumed).CopyTo(_carry);
                }

                _carryLength = joined - consumed;
                data = data.Slice(take);
            }
        }

        return Result is null;
    }

    private void EnsureCarry(int length)
    {
        if (_carry.Length < length)
        {
            Array.Resize(ref _carry, Math.Max(length, Math.Max(_carry.Length * 2, 64)));
        }
    }
}
