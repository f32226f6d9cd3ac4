using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Reading;
using ImagingGateway.Dicom.Values;

namespace ImagingGateway.Dicom.Metadata;

/// <summary>
/// Extracts the <see cref="InstanceHeader"/> from a prefix of a data set or Part 10 file. It stops before Pixel Data, so
/// it touches only the header, and tells "need more bytes" apart from "invalid". Each call reads the prefix from its
/// start, so a caller with a growing buffer just calls again with the longer prefix.
/// </summary>
public static class InstanceHeaderReader
{
    /// <summary>Reads the header of a data set (no meta information) encoded in <paramref name="transferSyntax"/>.</summary>
    public static HeaderReadResult ReadDataSet(ReadOnlySequence<byte> data, TransferSyntax transferSyntax, bool isFinalBlock, ReadOptions? options = null) =>
        ReadDataSet(data, transferSyntax, isFinalBlock, options, 0, null);

    /// <summary>Reads the meta information and the header of a Part 10 file (or a bare data set file).</summary>
    public static HeaderReadResult ReadFile(ReadOnlySequence<byte> data, bool isFinalBlock, ReadOptions? options = null)
    {
        var meta = Part10Reader.ReadFileMeta(data, isFinalBlock);
        switch (meta.Status)
        {
            case FileMetaReadStatus.NeedMoreData:
                return new HeaderReadResult(HeaderReadStatus.NeedMoreData, null, null, null);
            case FileMetaReadStatus.Invalid:
                return new HeaderReadResult(HeaderReadStatus.Invalid, null, null, meta.Error);
        }

        var syntax = TransferSyntax.Lookup(meta.DataSetTransferSyntaxUid!);
        var dataSet = data.Slice(meta.DataSetOffset);
        if (syntax.IsDeflated)
        {
            if (!isFinalBlock)
            {
                return new HeaderReadResult(HeaderReadStatus.NeedMoreData, null, meta.Meta, null);
            }

            return ReadInflated(dataSet, meta.Meta!, options);
        }

        return ReadDataSet(dataSet, syntax, isFinalBlock, options, meta.DataSetOffset, meta.Meta);
    }

    /// <summary>
    /// Reads the header of a file from a stream, reading only what the header needs. A deflated data set (PS3.5 A.5) in
    /// a seekable stream is inflated as it is read, so only its header is inflated too; from a stream that cannot seek,
    /// the whole file is read (up to <paramref name="maxHeaderBytes"/>) and inflated.
    /// </summary>
    public static async Task<HeaderReadResult> ReadFileAsync(Stream stream, ReadOptions? options = null, int maxHeaderBytes = 64 << 20, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxHeaderBytes);
        var start = stream.CanSeek ? stream.Position : 0;
        var buffer = new byte[Math.Min(16 * 1024, maxHeaderBytes)];
        var filled = 0;
        while (true)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            filled += read;
            var result = ReadFile(new ReadOnlySequence<byte>(buffer, 0, filled), isFinalBlock: read == 0, options);
            if (result is { Status: HeaderReadStatus.NeedMoreData, Meta: { } meta } && read != 0 && stream.CanSeek && meta.TransferSyntax.IsDeflated)
            {
                stream.Position = start + meta.DataSetOffset;
                return await ReadInflatedAsync(stream, meta, options, maxHeaderBytes, cancellationToken).ConfigureAwait(false);
            }

            if (result.Status != HeaderReadStatus.NeedMoreData)
            {
                return result;
            }

            if (filled == buffer.Length && !TryGrow(ref buffer, maxHeaderBytes))
            {
                return HeaderTooLarge(null, maxHeaderBytes, filled);
            }
        }
    }

    /// <summary>Doubles a full read buffer up to <paramref name="maxHeaderBytes"/>; false when it is already that large.</summary>
    private static bool TryGrow(ref byte[] buffer, int maxHeaderBytes)
    {
        if (buffer.Length >= maxHeaderBytes)
        {
            return false;
        }

        Array.Resize(ref buffer, Math.Min(buffer.Length * 2, maxHeaderBytes));
        return true;
    }

    private static HeaderReadResult HeaderTooLarge(DicomFileMetaInformation? meta, int maxHeaderBytes, int read) =>
        new(HeaderReadStatus.Invalid, null, meta, new DicomReadError($"Header is larger than {maxHeaderBytes} bytes", read));

    /// <summary>
    /// Reads the header of a deflated data set held whole: it is inflated a block at a time only until the header is
    /// read, never whole, so a small file that inflates to gigabytes (a deflate bomb) costs no more than its header.
    /// </summary>
    private static HeaderReadResult ReadInflated(ReadOnlySequence<byte> deflated, DicomFileMetaInformation meta, ReadOptions? options, int maxHeaderBytes = 64 << 20)
    {
        using var input = new MemoryStream(deflated.ToArray(), writable: false);
        using var inflater = new DeflateStream(input, CompressionMode.Decompress);
        var buffer = new byte[16 * 1024];
        var filled = 0;
        try
        {
            while (true)
            {
                var read = inflater.Read(buffer.AsSpan(filled));
                filled += read;
                var result = ReadDataSet(new ReadOnlySequence<byte>(buffer, 0, filled), meta.TransferSyntax, read == 0, options, 0, meta);
                if (result.Status != HeaderReadStatus.NeedMoreData)
                {
                    return result;
                }

                if (filled == buffer.Length && !TryGrow(ref buffer, maxHeaderBytes))
                {
                    return HeaderTooLarge(meta, maxHeaderBytes, filled);
                }
            }
        }
        catch (InvalidDataException ex)
        {
            return new HeaderReadResult(HeaderReadStatus.Invalid, null, meta, new DicomReadError($"Deflated data set is corrupt: {ex.Message}", meta.DataSetOffset));
        }
    }

    /// <summary>Reads the header of a deflated data set from <paramref name="stream"/>, positioned at its first byte.</summary>
    private static async Task<HeaderReadResult> ReadInflatedAsync(Stream stream, DicomFileMetaInformation meta, ReadOptions? options, int maxHeaderBytes, CancellationToken cancellationToken)
    {
        await using var inflater = new DeflateStream(stream, CompressionMode.Decompress, leaveOpen: true);
        var buffer = new byte[Math.Min(16 * 1024, maxHeaderBytes)];
        var filled = 0;
        try
        {
            while (true)
            {
                var read = await inflater.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                filled += read;

                // Offsets of a deflated data set count from its first inflated byte, as in ReadFile.
                var result = ReadDataSet(new ReadOnlySequence<byte>(buffer, 0, filled), meta.TransferSyntax, read == 0, options, 0, meta);
                if (result.Status != HeaderReadStatus.NeedMoreData)
                {
                    return result;
                }

                if (filled == buffer.Length && !TryGrow(ref buffer, maxHeaderBytes))
                {
                    return HeaderTooLarge(meta, maxHeaderBytes, filled);
                }
            }
        }
        catch (InvalidDataException ex)
        {
            return new HeaderReadResult(HeaderReadStatus.Invalid, null, meta, new DicomReadError($"Deflated data set is corrupt: {ex.Message}", meta.DataSetOffset));
        }
    }

    private static HeaderReadResult ReadDataSet(ReadOnlySequence<byte> data, TransferSyntax transferSyntax, bool isFinalBlock, ReadOptions? options, long offset, DicomFileMetaInformation? meta)
    {
        var visitor = new HeaderVisitor(new InstanceHeader());
        var reader = new DataSetReader(transferSyntax, options ?? ReadOptions.StopAtPixelData, offset);
        var result = reader.Read(data, isFinalBlock, ref visitor);
        switch (result.Status)
        {
            case DataSetReadStatus.NeedMoreData:
                return new HeaderReadResult(HeaderReadStatus.NeedMoreData, null, meta, null);
            case DataSetReadStatus.Invalid:
                return new HeaderReadResult(HeaderReadStatus.Invalid, null, meta, result.Error);
        }

        visitor.Header.EndOffset = result.Position;
        visitor.Header.HasPixelData = result.StoppedAt == DicomTag.PixelData;
        return new HeaderReadResult(HeaderReadStatus.Completed, visitor.Header, meta, null);
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
