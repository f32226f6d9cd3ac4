using System.Buffers;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Metadata;
using ImagingGateway.Dicom.Tests.TestSupport;

namespace ImagingGateway.Dicom.Tests.Metadata;

public class InstanceHeaderReaderTests
{
    [Fact]
    public void GivenCtSmallFile_WhenHeaderRead_ThenIdentifyingAttributesAreExtracted()
    {
        var result = InstanceHeaderReader.ReadFile(new ReadOnlySequence<byte>(Corpus.Read("CT_small.dcm")), true);

        Assert.Equal(HeaderReadStatus.Completed, result.Status);
        var h = result.Header!;
        Assert.Equal("1.2.840.10008.5.1.4.1.1.2", h.SopClassUid);
        Assert.Equal("1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322", h.SopInstanceUid);
        Assert.Equal("1.3.6.1.4.1.5962.1.2.1.20040119072730.12322", h.StudyInstanceUid);
        Assert.Equal("1.3.6.1.4.1.5962.1.3.1.1.20040119072730.12322", h.SeriesInstanceUid);
        Assert.Equal("20040119", h.StudyDate);
        Assert.Equal("CT", h.Modality);
        Assert.Equal("1CT1", h.PatientId);
        Assert.Equal("CompressedSamples^CT1", h.PatientName);
        Assert.Equal(128, h.Rows);
        Assert.Equal(128, h.Columns);
        Assert.True(h.HasPixelData);
        Assert.Empty(InstanceValidator.Validate(h, result.Meta));
    }

    [Fact]
    public void GivenGrowingPrefix_WhenHeaderRead_ThenNeedMoreDataUntilPixelDataReached()
    {
        var file = Corpus.Read("CT_small.dcm");
        var complete = InstanceHeaderReader.ReadFile(new ReadOnlySequence<byte>(file), true);
        var pixelDataOffset = (int)complete.Header!.EndOffset;

        for (var length = 0; length < pixelDataOffset + 8; length += 97)
        {
            var partial = InstanceHeaderReader.ReadFile(new ReadOnlySequence<byte>(file, 0, length), false);
            Assert.Equal(HeaderReadStatus.NeedMoreData, partial.Status);
        }

        var enough = InstanceHeaderReader.ReadFile(new ReadOnlySequence<byte>(file, 0, pixelDataOffset + 8), false);
        Assert.Equal(HeaderReadStatus.Completed, enough.Status);
        Assert.Equal(complete.Header.SopInstanceUid, enough.Header!.SopInstanceUid);
    }

    [Fact]
    public void GivenCommandUidsThatDiffer_WhenValidated_ThenMismatchNamesTagAndOffset()
    {
        var result = InstanceHeaderReader.ReadFile(new ReadOnlySequence<byte>(Corpus.Read("CT_small.dcm")), true);

        var errors = InstanceValidator.Validate(result.Header!, result.Meta, "1.2.840.10008.5.1.4.1.1.4", null);

        var error = Assert.Single(errors);
        Assert.Equal(DicomTags.SOPClassUID, error.Tag);
        Assert.Equal(result.Header!.SopClassUidOffset, error.Offset);
        Assert.True(error.Offset > 132);
        Assert.Contains("does not match the Affected SOP Class UID of the C-STORE request '1.2.840.10008.5.1.4.1.1.4'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenStream_WhenHeaderReadAsync_ThenSameHeaderAsInMemory()
    {
        await using var stream = File.OpenRead(Corpus.TestFile("MR_small_implicit.dcm"));

        var result = await InstanceHeaderReader.ReadFileAsync(stream);

        Assert.Equal(HeaderReadStatus.Completed, result.Status);
        Assert.Equal("MR", result.Header!.Modality);
        Assert.Equal(TransferSyntax.ImplicitVRLittleEndian.Uid, result.Meta!.TransferSyntaxUid);
        Assert.Empty(InstanceValidator.Validate(result.Header, result.Meta));
    }

    [Fact]
    public async Task GivenAHeaderLongerThanTheLimit_WhenReadFromAStream_ThenInvalidNamingTheLimitInsteadOfReadingOn()
    {
        // CT_small's header (2 KB or so before Pixel Data) against a limit of 1 KiB.
        await using var stream = File.OpenRead(Corpus.TestFile("CT_small.dcm"));

        var result = await InstanceHeaderReader.ReadFileAsync(stream, maxHeaderBytes: 1024);

        Assert.Equal(HeaderReadStatus.Invalid, result.Status);
        Assert.Equal("the header is not within the first 1024 bytes of the data set", result.Error!.Message);
        Assert.Equal(1024, result.Error!.Offset);
    }

    [Theory]
    [InlineData("CT_small.dcm")]
    [InlineData("image_dfl.dcm")]
    [InlineData("MR_small_bigendian.dcm")]
    public void GivenAFileSplitInTwoAtEveryByte_WhenFedInSegments_ThenTheHeaderIsThatOfTheWholeFile(string name)
    {
        var file = Corpus.Read(name);
        var expected = InstanceHeaderReader.ReadFile(new ReadOnlySequence<byte>(file), true);
        Assert.Equal(HeaderReadStatus.Completed, expected.Status);

        for (var split = 0; split <= file.Length; split++)
        {
            var reader = InstanceHeaderReader.ForFile();
            reader.Write(new ReadOnlySequence<byte>(file, 0, split));
            reader.Write(new ReadOnlySequence<byte>(file, split, file.Length - split));

            AssertSameHeader(expected, reader.Finish(), $"{name} split at {split}");
        }
    }

    [Theory]
    [InlineData("CT_small.dcm")]
    [InlineData("image_dfl.dcm")]
    public void GivenAFileFedOneByteAtATime_WhenTheHeaderIsComplete_ThenItIsDecidedWithoutWaitingForTheEnd(string name)
    {
        var file = Corpus.Read(name);
        var expected = InstanceHeaderReader.ReadFile(new ReadOnlySequence<byte>(file), true);
        var reader = InstanceHeaderReader.ForFile();

        var fed = 0;
        while (fed < file.Length && reader.Write(new ReadOnlySequence<byte>(file, fed, 1)))
        {
            fed++;
        }

        Assert.True(fed < file.Length, "the header was only decided at the end of the file");
        AssertSameHeader(expected, reader.Result!, name);
    }

    [Fact]
    public void GivenADataSetInTwoSegmentsOfOneSequence_WhenRead_ThenTheHeaderIsThatOfTheWholeDataSet()
    {
        var file = Corpus.Read("CT_small.dcm");
        var meta = Part10Reader.ReadFileMeta(new ReadOnlySequence<byte>(file), true);
        var dataSet = file[(int)meta.DataSetOffset..];
        var expected = InstanceHeaderReader.ReadDataSet(new ReadOnlySequence<byte>(dataSet), TransferSyntax.ExplicitVRLittleEndian, true);

        var reader = InstanceHeaderReader.ForDataSet(TransferSyntax.ExplicitVRLittleEndian);
        reader.Write(TwoSegments(dataSet, 777));

        AssertSameHeader(expected, reader.Finish(), "two segments");
    }

    [Fact]
    public void GivenAFileCutInsideItsHeader_WhenFedAndFinished_ThenInvalidNamingTruncationButUndecidedBeforeTheEnd()
    {
        var file = Corpus.Read("CT_small.dcm");
        var cut = file[..1000];

        var reader = InstanceHeaderReader.ForFile();
        Assert.True(reader.Write(new ReadOnlySequence<byte>(cut)));
        Assert.Null(reader.Result);
        var result = reader.Finish();

        Assert.Equal(HeaderReadStatus.Invalid, result.Status);
        Assert.Contains("truncated", result.Error!.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    public void GivenADeflatedFileCutInsideItsHeader_WhenFinished_ThenInvalid(int keep)
    {
        var file = Corpus.Read("image_dfl.dcm");
        var meta = Part10Reader.ReadFileMeta(new ReadOnlySequence<byte>(file), true);

        var result = InstanceHeaderReader.ReadFile(new ReadOnlySequence<byte>(file, 0, (int)meta.DataSetOffset + keep), true);

        Assert.Equal(HeaderReadStatus.Invalid, result.Status);
    }

    [Fact]
    public void GivenADeflatedDataSetWhoseHeaderIsPastTheInflateLimit_WhenRead_ThenInvalidWithTheLimitExceeded()
    {
        // PS3.5 A.5: a 4 MiB private element of zeros ahead of the UIDs deflates to a few kilobytes.
        var dataSet = new MemoryStream();
        dataSet.Write([0x09, 0x00, 0x10, 0x00, (byte)'O', (byte)'B', 0, 0, 0, 0, 0x40, 0x00]);
        dataSet.Write(new byte[4 << 20]);
        var deflated = new MemoryStream();
        using (var deflater = new System.IO.Compression.DeflateStream(deflated, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            deflater.Write(dataSet.ToArray());
        }

        var reader = InstanceHeaderReader.ForDataSet(TransferSyntax.DeflatedExplicitVRLittleEndian, maxInflatedBytes: 1 << 20);
        var fed = 0;
        var bytes = deflated.ToArray();
        while (fed < bytes.Length && reader.Write(new ReadOnlySequence<byte>(bytes, fed, Math.Min(512, bytes.Length - fed))))
        {
            fed += 512;
        }

        var result = reader.Finish();
        Assert.Equal(HeaderReadStatus.Invalid, result.Status);
        Assert.True(reader.InflatedSizeExceeded);
        Assert.Contains("more than 1048576 bytes", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenBytesThatAreNotDeflate_WhenReadAsADeflatedDataSet_ThenInvalidSayingCorrupt()
    {
        var result = InstanceHeaderReader.ReadDataSet(new ReadOnlySequence<byte>(Enumerable.Repeat((byte)0xFF, 4000).ToArray()), TransferSyntax.DeflatedExplicitVRLittleEndian, true);

        Assert.Equal(HeaderReadStatus.Invalid, result.Status);
        Assert.Contains("corrupt", result.Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(60_000)]
    [InlineData(200_000)]
    public void GivenALongElementBeforeTheUidsFedOneByteAtATime_WhenRead_ThenTheHeaderFollowsIt(int length)
    {
        // One value held whole (under MaxHeldValueBytes) and one skipped as it arrives.
        var dataSet = new MemoryStream();
        WriteElement(dataSet, 0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.2\0"u8);
        WriteElement(dataSet, 0x0008, 0x0018, "UI", "1.2.3.4\0"u8);
        WriteElement(dataSet, 0x0009, 0x1010, "OB", new byte[length]);
        WriteElement(dataSet, 0x0020, 0x000D, "UI", "1.2.3.5\0"u8);
        WriteElement(dataSet, 0x0020, 0x000E, "UI", "1.2.3.6\0"u8);
        var bytes = dataSet.ToArray();

        var reader = InstanceHeaderReader.ForDataSet(TransferSyntax.ExplicitVRLittleEndian);
        for (var offset = 0; offset < bytes.Length && reader.Write(new ReadOnlySequence<byte>(bytes, offset, 1)); offset++)
        {
        }

        var result = reader.Finish();
        Assert.Equal(HeaderReadStatus.Completed, result.Status);
        Assert.Equal("1.2.3.6", result.Header!.SeriesInstanceUid);
        Assert.Equal(bytes.Length, result.Header.EndOffset);
    }

    private static void WriteElement(Stream output, ushort group, ushort element, string vr, ReadOnlySpan<byte> value)
    {
        Span<byte> header = stackalloc byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(header, group);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(header[2..], element);
        header[4] = (byte)vr[0];
        header[5] = (byte)vr[1];
        if (vr == "OB")
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)value.Length);
            output.Write(header);
        }
        else
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)value.Length);
            output.Write(header[..8]);
        }

        output.Write(value);
    }

    private static ReadOnlySequence<byte> TwoSegments(byte[] bytes, int split)
    {
        var first = new Segment(bytes.AsMemory(0, split));
        var second = first.Append(bytes.AsMemory(split));
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }

    private static void AssertSameHeader(HeaderReadResult expected, HeaderReadResult actual, string because)
    {
        Assert.True(expected.Status == actual.Status, $"{because}: {actual.Status} ({actual.Error})");
        Assert.Equal(expected.Header!.SopInstanceUid, actual.Header!.SopInstanceUid);
        Assert.Equal(expected.Header.SeriesInstanceUid, actual.Header.SeriesInstanceUid);
        Assert.Equal(expected.Header.PatientName, actual.Header.PatientName);
        Assert.Equal(expected.Header.Rows, actual.Header.Rows);
        Assert.Equal(expected.Header.EndOffset, actual.Header.EndOffset);
        Assert.Equal(expected.Header.HasPixelData, actual.Header.HasPixelData);
        Assert.Equal(expected.Meta?.TransferSyntaxUid, actual.Meta?.TransferSyntaxUid);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
