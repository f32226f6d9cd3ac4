using System.Buffers;
using System.Buffers.Binary;
using ImagingGateway.Dicom.DataSets;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Reading;
using ImagingGateway.Dicom.Values;

namespace ImagingGateway.Dicom.Files;

/// <summary>
/// Reads the start of a DICOM file (PS3.10 7.1):
/// <code>
/// preamble (128 bytes) | "DICM" | (0002,0000) UL group length | (0002,xxxx) ... Explicit VR LE | data set ...
/// </code>
/// Also accepts files without a preamble (starting at group 0002) and files without meta information (a bare data
/// set; PS3.10 does not allow it, but old files and pydicom's corpus have them).
/// </summary>
public static class Part10Reader
{
    public const int PreambleLength = 128;

    /// <summary>Bytes read from a stream, or inflated, at a time when a whole file is read.</summary>
    private const int StreamBlockSize = 64 * 1024;

    private static readonly TransferSyntax MetaSyntax = TransferSyntax.ExplicitVRLittleEndian;

    /// <summary>The meta group ends at the first element of another group.</summary>
    private static readonly ReadOptions MetaOptions = new() { StopPredicate = static tag => tag.Group != 0x0002 };

    /// <summary>Reads the file meta information from a prefix of the file.</summary>
    public static FileMetaReadResult ReadFileMeta(ReadOnlySequence<byte> data, bool isFinalBlock)
    {
        var reader = new SequenceReader<byte>(data);
        Span<byte> head = stackalloc byte[PreambleLength + 4];
        var headLength = (int)Math.Min(data.Length, head.Length);
        reader.TryCopyTo(head[..headLength]);
        head = head[..headLength];

        long metaStart;
        bool hasPreamble;
        if (headLength >= 132 && head.Slice(PreambleLength, 4).SequenceEqual("DICM"u8))
        {
            metaStart = 132;
            hasPreamble = true;
        }
        else if (headLength >= 4 && head[..4].SequenceEqual("DICM"u8))
        {
            metaStart = 4;
            hasPreamble = false;
        }
        else if (headLength >= 6 && head[0] == 0x02 && head[1] == 0x00 && IsVr(head[4], head[5]))
        {
            metaStart = 0;
            hasPreamble = false;
        }
        else if (headLength < 132 && !isFinalBlock)
        {
            return new FileMetaReadResult(FileMetaReadStatus.NeedMoreData, null, 0, null, null);
        }
        else
        {
            return GuessBareDataSet(head, isFinalBlock);
        }

        var collector = new MetaCollector();
        var metaReader = new DataSetReader(MetaSyntax, MetaOptions, metaStart);
        var result = metaReader.Read(data.Slice(metaStart), isFinalBlock, ref collector);
        switch (result.Status)
        {
            case DataSetReadStatus.NeedMoreData:
                return new FileMetaReadResult(FileMetaReadStatus.NeedMoreData, null, 0, null, null);
            case DataSetReadStatus.Invalid:
                return Invalid(result.Error!.Message + " in the file meta information", result.Error.Offset, result.Error.Tag);
        }

        if (result.Status == DataSetReadStatus.Completed && collector.Count == 0)
        {
            return Invalid("File has no file meta information elements after DICM", metaStart, null);
        }

        var dataSetOffset = result.Position;
        string? guessedSyntax = null;
        if (collector.TransferSyntaxUid is null)
        {
            // PS3.10 requires (0002,0010); without it, guess from the data set like DCMTK and pydicom do.
            if (data.Length - dataSetOffset < 8)
            {
                if (!isFinalBlock)
                {
                    return new FileMetaReadResult(FileMetaReadStatus.NeedMoreData, null, 0, null, null);
                }

                guessedSyntax = TransferSyntax.ExplicitVRLittleEndian.Uid;
            }
            else
            {
                Span<byte> first = stackalloc byte[8];
                data.Slice(dataSetOffset, 8).CopyTo(first);
                guessedSyntax = GuessTransferSyntax(first);
            }
        }
        else if (DicomUidRules.Validate(collector.TransferSyntaxUid) is { } tsError)
        {
            return Invalid($"Transfer Syntax UID: {tsError}", collector.TransferSyntaxOffset, new DicomTag(0x0002, 0x0010));
        }

        if (collector.GroupLength is { } groupLength && collector.GroupLengthEnd + groupLength != dataSetOffset)
        {
            // PS3.10 7.1 requires a correct group length; DCMTK and pydicom read by tag group when it is wrong, and so do we,
            // but a group length pointing beyond the data is a truncated file.
            if (collector.GroupLengthEnd + groupLength > data.Length && isFinalBlock && result.Status == DataSetReadStatus.Completed)
            {
                return Invalid($"File meta group length {groupLength} runs past the end of the file", collector.GroupLengthEnd - 12, new DicomTag(0x0002, 0x0000));
            }
        }

        var meta = new DicomFileMetaInformation
        {
            MediaStorageSopClassUid = collector.SopClassUid ?? string.Empty,
            MediaStorageSopInstanceUid = collector.SopInstanceUid ?? string.Empty,
            TransferSyntaxUid = collector.TransferSyntaxUid ?? string.Empty,
            ImplementationClassUid = collector.ImplementationClassUid ?? string.Empty,
            ImplementationVersionName = collector.ImplementationVersionName,
            SourceApplicationEntityTitle = collector.SourceAeTitle,
            SendingApplicationEntityTitle = collector.SendingAeTitle,
            ReceivingApplicationEntityTitle = collector.ReceivingAeTitle,
            FileMetaInformationVersion = collector.Version ?? ReadOnlyMemory<byte>.Empty,
            GroupLength = collector.GroupLength,
            DataSetOffset = dataSetOffset,
            HasPreamble = hasPreamble,
        };
        return new FileMetaReadResult(FileMetaReadStatus.Completed, meta, dataSetOffset, collector.TransferSyntaxUid ?? guessedSyntax, null);
    }

    /// <summary>
    /// Returns the data set bytes of a whole file in memory, inflated when the transfer syntax is deflated (PS3.5 A.5).
    /// </summary>
    public static ReadOnlyMemory<byte> GetDataSetBytes(ReadOnlyMemory<byte> file, FileMetaReadResult meta)
    {
        var dataSet = file[(int)meta.DataSetOffset..];
        if (meta.DataSetTransferSyntaxUid is { } uid && TransferSyntax.Lookup(uid).IsDeflated)
        {
            return Inflate(dataSet);
        }

        return dataSet;
    }

    /// <summary>
    /// Inflates a raw Deflate (RFC 1951) stream whole, for a caller that holds the whole data set anyway; past
    /// <paramref name="maxInflatedBytes"/> it stops, so a deflate bomb fails instead of taking the memory.
    /// </summary>
    /// <exception cref="InvalidDataException">The stream is corrupt, cut, or inflates to more than <paramref name="maxInflatedBytes"/>.</exception>
    public static byte[] Inflate(ReadOnlyMemory<byte> deflated, int maxInflatedBytes = 1 << 30)
    {
        using var inflater = new DataSetInflater(maxInflatedBytes, StreamBlockSize);
        var output = new ArrayBufferWriter<byte>(Math.Max(256, deflated.Length * 2));
        DataSetInflater.InflatedChunkConsumer collect = chunk =>
        {
            output.Write(chunk.FirstSpan);
            return true;
        };
        if (!inflater.Write(new ReadOnlySequence<byte>(deflated), collect) || !inflater.Finish(collect))
        {
            throw new InvalidDataException(inflater.Error!.Message);
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>Parses a whole Part 10 file held in memory.</summary>
    public static DicomFile ReadFile(ReadOnlyMemory<byte> file, ReadOptions? options = null)
    {
        var meta = ReadFileMeta(new ReadOnlySequence<byte>(file), isFinalBlock: true);
        if (meta.Status != FileMetaReadStatus.Completed)
        {
            throw new DicomFormatException(meta.Error ?? new DicomReadError("Invalid file meta information", 0));
        }

        var syntax = TransferSyntax.Lookup(meta.DataSetTransferSyntaxUid!);
        var bytes = GetDataSetBytes(file, meta);
        var builder = new DataSetBuilder(bytes, syntax.IsDeflated ? 0 : meta.DataSetOffset);
        var reader = new DataSetReader(syntax, options, syntax.IsDeflated ? 0 : meta.DataSetOffset);
        var result = reader.Read(new ReadOnlySequence<byte>(bytes), isFinalBlock: true, ref builder);
        if (result.Status == DataSetReadStatus.Invalid)
        {
            throw new DicomFormatException(result.Error!);
        }

        return new DicomFile(meta.Meta, syntax, builder.Root, meta.DataSetOffset);
    }

    /// <summary>
    /// Parses a whole Part 10 file from a stream a block at a time, inflating a deflated data set as it goes (PS3.5 A.5).
    /// Every element is read to its last byte, so a truncated file fails as <see cref="ReadFile"/> does. With
    /// <see cref="ReadOptions.SkipValuesLongerThan"/> and a <paramref name="filter"/> that keeps little (see
    /// <see cref="DataSetBuilder"/>), memory stays bounded however large the file.
    /// </summary>
    /// <exception cref="DicomFormatException">The file is not valid DICOM, truncated included.</exception>
    /// <exception cref="InvalidDataException">The deflated data set is corrupt, cut, or inflates to more than <paramref name="maxInflatedBytes"/>.</exception>
    public static async Task<DicomFile> ReadFileAsync(Stream stream, ReadOptions? options = null, Func<DicomTag, bool>? filter = null, CancellationToken cancellationToken = default, long maxInflatedBytes = long.MaxValue)
    {
        var builder = new DataSetBuilder(filter: filter);
        var reader = IncrementalDataSetReader<DataSetBuilder>.ForFile(builder, options, maxInflatedBytes);
        var buffer = ArrayPool<byte>.Shared.Rent(StreamBlockSize);
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(0, StreamBlockSize), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    reader.Finish();
                    break;
                }

                if (!reader.Write(new ReadOnlySequence<byte>(buffer, 0, read)))
                {
                    reader.Finish();
                    break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var result = reader.Result!.Value;
        if (result.Status == DataSetReadStatus.Invalid)
        {
            throw reader.IsInflateError ? new InvalidDataException(result.Error!.Message) : new DicomFormatException(result.Error!);
        }

        return new DicomFile(reader.FileMeta!.Meta, reader.TransferSyntax!, builder.Root, reader.FileMeta.DataSetOffset);
    }

    private static FileMetaReadResult GuessBareDataSet(ReadOnlySpan<byte> head, bool isFinalBlock)
    {
        if (head.Length < 8)
        {
            return isFinalBlock
                ? Invalid($"File is too short ({head.Length} bytes) to be DICOM", 0, null)
                : new FileMetaReadResult(FileMetaReadStatus.NeedMoreData, null, 0, null, null);
        }

        return new FileMetaReadResult(FileMetaReadStatus.Completed, null, 0, GuessTransferSyntax(head), null);
    }

    /// <summary>
    /// Guesses the encoding of a data set from its first element, as DCMTK and pydicom do for files without (or with
    /// incomplete) meta information: explicit when bytes 4-5 are a VR, big endian when the group reads smaller that way.
    /// </summary>
    private static string GuessTransferSyntax(ReadOnlySpan<byte> head)
    {
        var groupLe = BinaryPrimitives.ReadUInt16LittleEndian(head);
        var groupBe = BinaryPrimitives.ReadUInt16BigEndian(head);
        if (!IsVr(head[4], head[5]))
        {
            return TransferSyntax.ImplicitVRLittleEndian.Uid;
        }

        return groupBe < groupLe ? TransferSyntax.ExplicitVRBigEndian.Uid : TransferSyntax.ExplicitVRLittleEndian.Uid;
    }

    private static bool IsVr(byte a, byte b) => ((DicomVr)((a << 8) | b)).IsKnown();

    private static FileMetaReadResult Invalid(string message, long offset, DicomTag? tag) =>
        new(FileMetaReadStatus.Invalid, null, 0, null, new DicomReadError(message, offset, tag));

    private sealed class MetaCollector : IDataSetVisitor
    {
        public int Count { get; private set; }

        public uint? GroupLength { get; private set; }

        public long GroupLengthEnd { get; private set; }

        public string? SopClassUid { get; private set; }

        public string? SopInstanceUid { get; private set; }

        public string? TransferSyntaxUid { get; private set; }

        public long TransferSyntaxOffset { get; private set; }

        public string? ImplementationClassUid { get; private set; }

        public string? ImplementationVersionName { get; private set; }

        public string? SourceAeTitle { get; private set; }

        public string? SendingAeTitle { get; private set; }

        public string? ReceivingAeTitle { get; private set; }

        public ReadOnlyMemory<byte>? Version { get; private set; }

        public void OnElement(in DicomElementHeader header, ReadOnlySequence<byte> value)
        {
            Count++;
            var bytes = value.IsSingleSegment ? value.FirstSpan : value.ToArray();
            switch (header.Tag.Element)
            {
                case 0x0000 when bytes.Length == 4:
                    GroupLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
                    GroupLengthEnd = header.ValueOffset + 4;
                    break;
                case 0x0001:
                    Version = bytes.ToArray();
                    break;
                case 0x0002:
                    SopClassUid = DicomUidRules.FromBytes(bytes);
                    break;
                case 0x0003:
                    SopInstanceUid = DicomUidRules.FromBytes(bytes);
                    break;
                case 0x0010:
                    TransferSyntaxUid = DicomUidRules.FromBytes(bytes);
                    TransferSyntaxOffset = header.Offset;
                    break;
                case 0x0012:
                    ImplementationClassUid = DicomUidRules.FromBytes(bytes);
                    break;
                case 0x0013:
                    ImplementationVersionName = Text(bytes);
                    break;
                case 0x0016:
                    SourceAeTitle = Text(bytes);
                    break;
                case 0x0017:
                    SendingAeTitle = Text(bytes);
                    break;
                case 0x0018:
                    ReceivingAeTitle = Text(bytes);
                    break;
            }
        }

        public void OnSequenceStart(in DicomElementHeader header) => Count++;

        public void OnItemStart(long offset, uint length)
        {
        }

        public void OnItemEnd()
        {
        }

        public void OnSequenceEnd()
        {
        }

        public void OnFragmentsStart(in DicomElementHeader header) => Count++;

        public void OnFragment(long offset, ReadOnlySequence<byte> value)
        {
        }

        public void OnFragmentsEnd()
        {
        }

        public void OnSkippedValue(in DicomElementHeader header)
        {
        }

        private static string Text(ReadOnlySpan<byte> bytes) => DicomStrings.Decode(bytes, DicomVr.SH, DicomCharacterSet.Default).Trim();
    }
}
