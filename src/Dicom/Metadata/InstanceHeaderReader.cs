using System.Buffers;
using System.Buffers.Binary;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Reading;
using ImagingGateway.Dicom.Values;

namespace ImagingGateway.Dicom.Metadata;

/// <summary>
/// Reads the <see cref="InstanceHeader"/> of a data set or a Part 10 file (PS3.10 7.1) fed in segments as they arrive,
/// deflated or not (PS3.5 A.5, inflated up to a limit), and decides as soon as it has enough: at the options' stop tag
/// (Pixel Data by default), at the end of the data, or at the first error. Each byte is read once; values longer than
/// <see cref="MaxHeldValueBytes"/> are skipped, so memory stays small however the input is cut.
/// </summary>
public sealed class InstanceHeaderReader
{
    /// <summary>Data set bytes read at most before giving up on the header.</summary>
    public const long DefaultMaxHeaderBytes = 64 << 20;

    /// <summary>
    /// Longer values are skipped rather than held: the header's attributes are far shorter (PS3.5 6.2: UI 64, LO 64,
    /// PN 64 per group), so a long private element ahead of them costs no memory.
    /// </summary>
    public const int MaxHeldValueBytes = 64 * 1024;

    /// <summary>Inflated a little at a time: the header is near the start, so most of a deflated data set is never inflated.</summary>
    private const int InflateChunkBytes = 16 * 1024;

    private static readonly ReadOptions StopAtPixelData = ReadOptions.StopAtPixelData with { SkipValuesLongerThan = MaxHeldValueBytes };

    private readonly IncrementalDataSetReader<HeaderVisitor> _reader;
    private readonly long _maxHeaderBytes;

    private InstanceHeaderReader(IncrementalDataSetReader<HeaderVisitor> reader, long maxHeaderBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxHeaderBytes);
        _reader = reader;
        _maxHeaderBytes = maxHeaderBytes;
    }

    /// <summary>The decision, once made; null while more bytes are wanted.</summary>
    public HeaderReadResult? Result { get; private set; }

    /// <summary>True when the refusal is the deflated data set inflating past its limit.</summary>
    public bool InflatedSizeExceeded => _reader.InflatedSizeExceeded;

    /// <summary>A reader of a data set (no meta information) encoded in <paramref name="transferSyntax"/>.</summary>
    public static InstanceHeaderReader ForDataSet(TransferSyntax transferSyntax, ReadOptions? options = null, long maxHeaderBytes = DefaultMaxHeaderBytes, long maxInflatedBytes = long.MaxValue) =>
        new(IncrementalDataSetReader<HeaderVisitor>.ForDataSet(transferSyntax, new HeaderVisitor(new InstanceHeader()), HeaderOptions(options), maxInflatedBytes, InflateChunkBytes), maxHeaderBytes);

    /// <summary>A reader of a Part 10 file (or a bare data set file), meta information first.</summary>
    public static InstanceHeaderReader ForFile(ReadOptions? options = null, long maxHeaderBytes = DefaultMaxHeaderBytes, long maxInflatedBytes = long.MaxValue) =>
        new(IncrementalDataSetReader<HeaderVisitor>.ForFile(new HeaderVisitor(new InstanceHeader()), HeaderOptions(options), maxInflatedBytes, InflateChunkBytes), maxHeaderBytes);

    /// <summary>Reads the header of a data set held in <paramref name="data"/>, all of it or, when not final, its start.</summary>
    public static HeaderReadResult ReadDataSet(ReadOnlySequence<byte> data, TransferSyntax transferSyntax, bool isFinalBlock, ReadOptions? options = null) =>
        ForDataSet(transferSyntax, options).ReadAll(data, isFinalBlock);

    /// <summary>Reads the meta information and the header of a file held in <paramref name="data"/>, all of it or its start.</summary>
    public static HeaderReadResult ReadFile(ReadOnlySequence<byte> data, bool isFinalBlock, ReadOptions? options = null) =>
        ForFile(options).ReadAll(data, isFinalBlock);

    /// <summary>Reads the header of a file from a stream, reading only what the header needs.</summary>
    public static async Task<HeaderReadResult> ReadFileAsync(Stream stream, ReadOptions? options = null, int maxHeaderBytes = (int)DefaultMaxHeaderBytes, CancellationToken cancellationToken = default)
    {
        var reader = ForFile(options, maxHeaderBytes);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return reader.Finish();
                }

                if (!reader.Write(new ReadOnlySequence<byte>(buffer, 0, read)))
                {
                    return reader.Result!;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads the next bytes (valid only during the call); false once the header is decided.</summary>
    public bool Write(ReadOnlySequence<byte> segment)
    {
        if (Result is not null)
        {
            return false;
        }

        if (!_reader.Write(segment))
        {
            Decide();
        }
        else if (_reader.DataSetPosition > _maxHeaderBytes)
        {
            Result = TooLarge();
            _reader.Release();
        }

        return Result is null;
    }

    /// <summary>The input ended: decides with what there is.</summary>
    public HeaderReadResult Finish()
    {
        if (Result is null)
        {
            _reader.Finish();
            Decide();
        }

        return Result!;
    }

    private static ReadOptions HeaderOptions(ReadOptions? options) => options switch
    {
        null => StopAtPixelData,
        { SkipValuesLongerThan: <= MaxHeldValueBytes } => options,
        _ => options with { SkipValuesLongerThan = MaxHeldValueBytes },
    };

    private HeaderReadResult TooLarge() =>
        new(HeaderReadStatus.Invalid, null, _reader.FileMeta?.Meta, new DicomReadError($"the header is not within the first {_maxHeaderBytes} bytes of the data set", _maxHeaderBytes));

    private HeaderReadResult ReadAll(ReadOnlySequence<byte> data, bool isFinalBlock)
    {
        Write(data);
        return isFinalBlock ? Finish() : Result ?? new HeaderReadResult(HeaderReadStatus.NeedMoreData, null, _reader.FileMeta?.Meta, null);
    }

    private void Decide()
    {
        var result = _reader.Result!.Value;
        var meta = _reader.FileMeta?.Meta;
        if (result.Status == DataSetReadStatus.Invalid)
        {
            Result = new HeaderReadResult(HeaderReadStatus.Invalid, null, meta, result.Error);
            return;
        }

        if (result.Position - _reader.DataSetStart > _maxHeaderBytes)
        {
            // Decided the same wherever the input was cut: the header ends past the limit.
            Result = TooLarge();
            return;
        }

        var header = _reader.Visitor.Header;
        header.EndOffset = result.Position;
        header.HasPixelData = result.StoppedAt == DicomTag.PixelData;
        Result = new HeaderReadResult(HeaderReadStatus.Completed, header, meta, null);
    }

    private struct HeaderVisitor(InstanceHeader header) : IDataSetVisitor
    {
        private DicomCharacterSet _characterSet = DicomCharacterSet.Default;

        public InstanceHeader Header { get; } = header;

        public void OnElement(in DicomElementHeader element, ReadOnlySequence<byte> value)
        {
            if (element.Depth != 0)
            {
                return;
            }

            switch (element.Tag.Value)
            {
                case 0x00080005:
                    Header.SpecificCharacterSet = Text(element, value);
                    _characterSet = DicomCharacterSet.FromSpecificCharacterSetOrDefault(Header.SpecificCharacterSet);
                    break;
                case 0x00080016:
                    Header.SopClassUid = Uid(value);
                    Header.SopClassUidOffset = element.Offset;
                    break;
                case 0x00080018:
                    Header.SopInstanceUid = Uid(value);
                    Header.SopInstanceUidOffset = element.Offset;
                    break;
                case 0x00080020:
                    Header.StudyDate = Text(element, value);
                    break;
                case 0x00080030:
                    Header.StudyTime = Text(element, value);
                    break;
                case 0x00080050:
                    Header.AccessionNumber = Text(element, value);
                    break;
                case 0x00080060:
                    Header.Modality = Text(element, value);
                    break;
                case 0x00081030:
                    Header.StudyDescription = Text(element, value);
                    break;
                case 0x0008103E:
                    Header.SeriesDescription = Text(element, value);
                    break;
                case 0x00100010:
                    Header.PatientName = Text(element, value);
                    break;
                case 0x00100020:
                    Header.PatientId = Text(element, value);
                    break;
                case 0x00100030:
                    Header.PatientBirthDate = Text(element, value);
                    break;
                case 0x00100040:
                    Header.PatientSex = Text(element, value);
                    break;
                case 0x0020000D:
                    Header.StudyInstanceUid = Uid(value);
                    Header.StudyInstanceUidOffset = element.Offset;
                    break;
                case 0x0020000E:
                    Header.SeriesInstanceUid = Uid(value);
                    Header.SeriesInstanceUidOffset = element.Offset;
                    break;
                case 0x00200010:
                    Header.StudyId = Text(element, value);
                    break;
                case 0x00200011:
                    Header.SeriesNumber = Text(element, value);
                    break;
                case 0x00200013:
                    Header.InstanceNumber = Text(element, value);
                    break;
                case 0x00280008:
                    Header.NumberOfFrames = Text(element, value);
                    break;
                case 0x00280010:
                    Header.Rows = UShort(element, value);
                    break;
                case 0x00280011:
                    Header.Columns = UShort(element, value);
                    break;
            }
        }

        public readonly void OnSequenceStart(in DicomElementHeader header)
        {
        }

        public readonly void OnItemStart(long offset, uint length)
        {
        }

        public readonly void OnItemEnd()
        {
        }

        public readonly void OnSequenceEnd()
        {
        }

        public readonly void OnFragmentsStart(in DicomElementHeader header)
        {
        }

        public readonly void OnFragment(long offset, ReadOnlySequence<byte> value)
        {
        }

        public readonly void OnFragmentsEnd()
        {
        }

        public readonly void OnSkippedValue(in DicomElementHeader header)
        {
        }

        private static string Uid(ReadOnlySequence<byte> value) =>
            value.IsSingleSegment ? DicomUidRules.FromBytes(value.FirstSpan) : DicomUidRules.FromBytes(value.ToArray());

        private static int? UShort(in DicomElementHeader element, ReadOnlySequence<byte> value)
        {
            if (value.Length != 2 || element.Vr != DicomVr.US)
            {
                return null;
            }

            Span<byte> b = stackalloc byte[2];
            value.CopyTo(b);
            return element.IsLittleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b);
        }

        private readonly string Text(in DicomElementHeader element, ReadOnlySequence<byte> value)
        {
            var text = value.IsSingleSegment
                ? DicomStrings.Decode(value.FirstSpan, element.Vr, _characterSet)
                : DicomStrings.Decode(value.ToArray(), element.Vr, _characterSet);
            return element.Vr is DicomVr.PN or DicomVr.LO or DicomVr.SH or DicomVr.LT or DicomVr.ST or DicomVr.UT ? text : text.Trim();
        }
    }
}
