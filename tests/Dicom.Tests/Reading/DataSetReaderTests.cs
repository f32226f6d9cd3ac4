using System.Buffers;
using System.Buffers.Binary;
using ImagingGateway.Dicom.DataSets;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Reading;
using ImagingGateway.Dicom.Tests.TestSupport;

namespace ImagingGateway.Dicom.Tests.Reading;

public class DataSetReaderTests
{
    /// <summary>A C-ECHO-RQ command set (PS3.7 9.3.5), always Implicit VR Little Endian.</summary>
    public static byte[] EchoRequestCommand()
    {
        var elements = new List<byte[]>
        {
            Implicit(0x0000, 0x0002, "1.2.840.10008.1.1\0"u8.ToArray()),
            Implicit(0x0000, 0x0100, U16(0x0030)),
            Implicit(0x0000, 0x0110, U16(7)),
            Implicit(0x0000, 0x0800, U16(0x0101)),
        };
        var groupLength = elements.Sum(e => e.Length);
        return [.. Implicit(0x0000, 0x0000, U32((uint)groupLength)), .. elements.SelectMany(e => e)];
    }

    [Fact]
    public void GivenEchoCommandSet_WhenReadAsImplicitLittleEndian_ThenElementsAndValuesAreReported()
    {
        var bytes = EchoRequestCommand();

        var dataSet = DataSetParser.Parse(bytes, TransferSyntax.ImplicitVRLittleEndian);

        Assert.Equal(5, dataSet.Count);
        Assert.Equal(bytes.Length - 12, dataSet.GetInteger(DicomTags.CommandGroupLength));
        Assert.Equal("1.2.840.10008.1.1", dataSet.GetString(DicomTags.AffectedSOPClassUID));
        Assert.Equal(0x0030, dataSet.GetInteger(DicomTags.CommandField));
        Assert.Equal(7, dataSet.GetInteger(DicomTags.MessageID));
        Assert.Equal(0x0101, dataSet.GetInteger(DicomTags.CommandDataSetType));
        Assert.Equal(DicomVr.UI, dataSet[1].Vr);
    }

    [Fact]
    public void GivenCommandSplitAtEveryOffset_WhenReadIncrementally_ThenSameTokensAsWholeRead()
    {
        var bytes = EchoRequestCommand();
        var whole = new RecordingVisitor();
        var complete = new DataSetReader(TransferSyntax.ImplicitVRLittleEndian).Read(new ReadOnlySequence<byte>(bytes), true, ref whole);
        Assert.Equal(DataSetReadStatus.Completed, complete.Status);

        for (var split = 0; split <= bytes.Length; split++)
        {
            var visitor = new RecordingVisitor();
            var reader = new DataSetReader(TransferSyntax.ImplicitVRLittleEndian);
            var first = reader.Read(new ReadOnlySequence<byte>(bytes, 0, split), false, ref visitor);
            Assert.Equal(DataSetReadStatus.NeedMoreData, first.Status);
            var rest = reader.Read(new ReadOnlySequence<byte>(bytes, (int)first.Consumed, bytes.Length - (int)first.Consumed), true, ref visitor);
            Assert.Equal(DataSetReadStatus.Completed, rest.Status);
            Assert.Equal(whole.Tokens, visitor.Tokens);
        }
    }

    [Fact]
    public void GivenTruncatedValue_WhenReadAsFinalBlock_ThenInvalidWithTagAndOffset()
    {
        var bytes = EchoRequestCommand()[..20];

        var result = DataSetParser.TryParse(bytes, TransferSyntax.ImplicitVRLittleEndian, out _);

        Assert.Equal(DataSetReadStatus.Invalid, result.Status);
        Assert.NotNull(result.Error);
        Assert.Equal(new DicomTag(0x0000, 0x0002), result.Error.Tag);
        Assert.Equal(12, result.Error.Offset);
        Assert.Contains("Value length 18 runs past the end of the data (0 bytes left)", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenTruncatedValue_WhenNotFinal_ThenNeedMoreDataAndNothingConsumedOfIt()
    {
        var bytes = EchoRequestCommand()[..20];
        var visitor = new RecordingVisitor();

        var result = new DataSetReader(TransferSyntax.ImplicitVRLittleEndian).Read(new ReadOnlySequence<byte>(bytes), false, ref visitor);

        Assert.Equal(DataSetReadStatus.NeedMoreData, result.Status);
        Assert.Equal(12, result.Consumed);
        Assert.Single(visitor.Tokens);
    }

    [Fact]
    public void GivenStopAtPixelData_WhenReadingCtFile_ThenStopsBeforePixelDataWithoutReadingIt()
    {
        var file = Corpus.Read("CT_small.dcm");
        var meta = Part10Reader.ReadFileMeta(new ReadOnlySequence<byte>(file), true);
        var visitor = new RecordingVisitor();
        var reader = new DataSetReader(TransferSyntax.ExplicitVRLittleEndian, ReadOptions.StopAtPixelData, meta.DataSetOffset);

        var result = reader.Read(new ReadOnlySequence<byte>(file).Slice(meta.DataSetOffset), true, ref visitor);

        Assert.Equal(DataSetReadStatus.Stopped, result.Status);
        Assert.Equal(DicomTag.PixelData, result.StoppedAt);
        // CT_small ends with Pixel Data (12 + 32768 bytes) and Data Set Trailing Padding (FFFC,FFFC) (12 + 126 bytes).
        Assert.Equal(file.Length - (12 + 32768) - (12 + 126), result.Position);
        Assert.DoesNotContain(visitor.Tokens, t => t.StartsWith("(7FE0,0010)", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenItemTagAtTopLevel_WhenRead_ThenInvalidNamesTheTag()
    {
        byte[] bytes = [0xFE, 0xFF, 0x00, 0xE0, 0, 0, 0, 0];

        var result = DataSetParser.TryParse(bytes, TransferSyntax.ExplicitVRLittleEndian, out _);

        Assert.Equal(DataSetReadStatus.Invalid, result.Status);
        Assert.Equal(DicomTag.Item, result.Error!.Tag);
        Assert.Equal(0, result.Error.Offset);
    }

    /// <summary>Patient Name, Pixel Data (OW, 100 bytes), Data Set Trailing Padding: Explicit VR Little Endian.</summary>
    public static byte[] NativePixelDataSet() =>
    [
        .. Explicit(0x0010, 0x0010, "PN", "Doe^Jane"u8.ToArray()),
        .. Explicit(0x7FE0, 0x0010, "OW", Enumerable.Range(0, 100).Select(i => (byte)i).ToArray()),
        .. Explicit(0xFFFC, 0xFFFC, "OB", new byte[4]),
    ];

    /// <summary>Encapsulated Pixel Data (PS3.5 A.4): empty offset table, fragments of 40 and 10 bytes, delimiter; then padding.</summary>
    public static byte[] EncapsulatedPixelDataSet() =>
    [
        .. Explicit(0x0010, 0x0010, "PN", "Doe^Jane"u8.ToArray()),
        0xE0, 0x7F, 0x10, 0x00, (byte)'O', (byte)'B', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF,
        .. Implicit(0xFFFE, 0xE000, []),
        .. Implicit(0xFFFE, 0xE000, new byte[40]),
        .. Implicit(0xFFFE, 0xE000, new byte[10]),
        .. Implicit(0xFFFE, 0xE0DD, []),
        .. Explicit(0xFFFC, 0xFFFC, "OB", new byte[4]),
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GivenValuesLongerThanTheSkipLimit_WhenReadSplitAtEveryOffset_ThenTheyAreReportedSkippedAndTheRestAsWhole(bool encapsulated)
    {
        var bytes = encapsulated ? EncapsulatedPixelDataSet() : NativePixelDataSet();
        var options = new ReadOptions { SkipValuesLongerThan = 16 };
        var whole = new RecordingVisitor();
        var complete = new DataSetReader(TransferSyntax.ExplicitVRLittleEndian, options).Read(new ReadOnlySequence<byte>(bytes), true, ref whole);
        Assert.Equal(DataSetReadStatus.Completed, complete.Status);
        Assert.Equal(
            encapsulated ? ["SKIPPED (FFFE,E000) 40 @36"] : ["SKIPPED (7FE0,0010) 100 @16"],
            whole.Tokens.Where(t => t.StartsWith("SKIPPED", StringComparison.Ordinal)));
        Assert.Contains(whole.Tokens, t => t.StartsWith("(FFFC,FFFC) OB 4", StringComparison.Ordinal));
        Assert.Equal(encapsulated, whole.Tokens.Contains("FRAGMENT 10 @92"));

        for (var split = 0; split <= bytes.Length; split++)
        {
            var visitor = new RecordingVisitor();
            var reader = new DataSetReader(TransferSyntax.ExplicitVRLittleEndian, options);
            var first = reader.Read(new ReadOnlySequence<byte>(bytes, 0, split), false, ref visitor);
            Assert.Equal(DataSetReadStatus.NeedMoreData, first.Status);
            var rest = reader.Read(new ReadOnlySequence<byte>(bytes, (int)first.Consumed, bytes.Length - (int)first.Consumed), true, ref visitor);
            Assert.Equal(DataSetReadStatus.Completed, rest.Status);
            Assert.Equal(whole.Tokens, visitor.Tokens);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GivenDataCutInsideASkippedValue_WhenReadInBlocks_ThenTheSameErrorAsWhenHeldWhole(bool encapsulated)
    {
        var all = encapsulated ? EncapsulatedPixelDataSet() : NativePixelDataSet();
        var bytes = all[..(encapsulated ? 60 : 70)];
        var held = DataSetParser.TryParse(bytes, TransferSyntax.ExplicitVRLittleEndian, out _);
        Assert.Equal(DataSetReadStatus.Invalid, held.Status);
        Assert.Equal(new DicomTag(0x7FE0, 0x0010), held.Error!.Tag);
        Assert.Equal(
            encapsulated ? "Fragment length 40 runs past the end of the data (16 bytes left)" : "Value length 100 runs past the end of the data (42 bytes left)",
            held.Error.Message);

        var visitor = new RecordingVisitor();
        var reader = new DataSetReader(TransferSyntax.ExplicitVRLittleEndian, new ReadOptions { SkipValuesLongerThan = 16 });
        var consumed = 0;
        var end = 0;
        DataSetReadResult result;
        do
        {
            // Five more bytes at a time, after what the previous call left unconsumed.
            end = Math.Min(bytes.Length, Math.Max(end, consumed) + 5);
            result = reader.Read(new ReadOnlySequence<byte>(bytes, consumed, end - consumed), end == bytes.Length, ref visitor);
            consumed += (int)result.Consumed;
        }
        while (result.Status == DataSetReadStatus.NeedMoreData);

        Assert.Equal(DataSetReadStatus.Invalid, result.Status);
        Assert.Equal(held.Error, result.Error);
        Assert.Contains(visitor.Tokens, t => t.StartsWith("SKIPPED", StringComparison.Ordinal));
    }

    private static byte[] Explicit(ushort group, ushort element, string vr, byte[] value)
    {
        var longLength = vr is "OB" or "OW" or "SQ" or "UN" or "UT";
        var bytes = new byte[(longLength ? 12 : 8) + value.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, group);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), element);
        bytes[4] = (byte)vr[0];
        bytes[5] = (byte)vr[1];
        if (longLength)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)value.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), (ushort)value.Length);
        }

        value.CopyTo(bytes, longLength ? 12 : 8);
        return bytes;
    }

    private static byte[] Implicit(ushort group, ushort element, byte[] value)
    {
        var bytes = new byte[8 + value.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, group);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), element);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)value.Length);
        value.CopyTo(bytes, 8);
        return bytes;
    }

    private static byte[] U16(ushort v)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        return b;
    }

    private static byte[] U32(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return b;
    }
}
