using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Reading;
using Corpus = ImagingGateway.Dicom.Tests.Network.TestSupport.Corpus;

namespace ImagingGateway.Dicom.Tests.Reading;

/// <summary>
/// The structure walk of a Deflated Explicit VR Little Endian data set as it streams in (issue #24, items 2 and 3):
/// inflated a fragment at a time and walked, however the compressed bytes are cut; a cut or corrupt Deflate stream and a
/// badly formed inflated data set fail; inflating past the limit stops the walk at the limit.
/// </summary>
public sealed class DataSetStructureWalkerDeflateTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(997)]
    [InlineData(int.MaxValue)]
    public void GivenTheCorpusDeflated_WhenWalkedInChunks_ThenTheVerdictIsThatOfTheInflatedBytesWalkedWhole(int chunk)
    {
        var walked = 0;
        foreach (var file in Corpus.Part10Files().Where(f => f.TransferSyntaxUid == TransferSyntax.ExplicitVRLittleEndian.Uid))
        {
            var dataSet = Corpus.DataSet(file);
            var plain = new DataSetStructureWalker(TransferSyntax.ExplicitVRLittleEndian);
            plain.Write(new ReadOnlySequence<byte>(dataSet));
            var expected = plain.Finish();

            var walker = Walk(Deflate(dataSet), chunk, out var error);

            Assert.True((error is null) == (expected is null), $"{file.Path}: deflated {error}, plain {expected}");
            Assert.True(expected is not null || walker.InflatedBytes == dataSet.Length, $"{file.Path}: inflated {walker.InflatedBytes} of {dataSet.Length}");
            walked++;
        }

        Assert.True(walked > 10, $"only {walked} explicit VR little endian corpus files");
    }

    [Fact]
    public void GivenTheCorpusOwnDeflatedFiles_WhenWalked_ThenTheyAreWellFormed()
    {
        var deflated = Corpus.Part10Files().Where(f => TransferSyntax.Lookup(f.TransferSyntaxUid).IsDeflated).ToList();
        Assert.NotEmpty(deflated);

        foreach (var file in deflated)
        {
            Walk(Corpus.DataSet(file), 4096, out var error);
            Assert.True(error is null, $"{file.Path}: {error}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(1000)]
    public void GivenADeflateStreamCutShort_WhenWalked_ThenItFails(int cut)
    {
        var deflated = Deflate(DataSet(pixelBytes: 200_000, random: true));

        Walk(deflated[..^cut], 1000, out var error);

        Assert.NotNull(error);
    }

    [Fact]
    public void GivenAPaddingByteAfterTheDeflateStream_WhenWalked_ThenItIsWellFormed()
    {
        // PS3.5 A.5: an odd-length deflated data set is padded with one trailing byte.
        var deflated = Deflate(DataSet(pixelBytes: 5000, random: true));

        Walk([.. deflated, 0], 100, out var error);

        Assert.Null(error);
    }

    [Fact]
    public void GivenBytesThatAreNotDeflate_WhenWalked_ThenTheErrorSaysCorrupt()
    {
        var garbage = Enumerable.Repeat((byte)0xFF, 4000).ToArray();

        Walk(garbage, 1000, out var error);

        Assert.NotNull(error);
        Assert.Contains("corrupt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAWellFormedDeflateStreamOfPixelDataCutShort_WhenWalked_ThenTheErrorNamesPixelData()
    {
        var dataSet = DataSet(pixelBytes: 100_000, random: false);

        Walk(Deflate(dataSet[..^10]), 333, out var error);

        Assert.NotNull(error);
        Assert.Equal(DicomTag.PixelData, error.Tag);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(-1, true)]
    public void GivenALimitAroundTheInflatedSize_WhenWalked_ThenOnlyALargerDataSetExceedsIt(int belowSize, bool exceeded)
    {
        var dataSet = DataSet(pixelBytes: 300_000, random: false);

        var walker = Walk(Deflate(dataSet), 4096, out var error, maxInflatedBytes: dataSet.Length + belowSize);

        Assert.Equal(exceeded, walker.InflatedSizeExceeded);
        Assert.Equal(exceeded, error is not null);
        Assert.True(walker.InflatedBytes <= dataSet.Length);
    }

    [Fact]
    public void GivenA64MiBBombAndA1MiBLimit_WhenWalked_ThenItStopsWithinOneBufferOfTheLimit()
    {
        var bomb = Deflate(DataSet(pixelBytes: 64 << 20, random: false));

        var walker = Walk(bomb, 16384, out var error, maxInflatedBytes: 1 << 20);

        Assert.True(walker.InflatedSizeExceeded);
        Assert.Contains("more than 1048576 bytes", error!.Message, StringComparison.Ordinal);
        Assert.InRange(walker.InflatedBytes, (1 << 20) + 1, (1 << 20) + (64 << 10));
    }

    private static DataSetStructureWalker Walk(byte[] deflated, int chunk, out DicomReadError? error, long maxInflatedBytes = long.MaxValue)
    {
        var walker = new DataSetStructureWalker(TransferSyntax.DeflatedExplicitVRLittleEndian, maxInflatedBytes);
        for (var offset = 0; offset < deflated.Length; offset += chunk)
        {
            walker.Write(new ReadOnlySequence<byte>(deflated.AsMemory(offset, Math.Min(chunk, deflated.Length - offset))));
        }

        error = walker.Finish();
        return walker;
    }

    /// <summary>PS3.5 A.5: the explicit VR little endian encoding as one raw Deflate stream.</summary>
    private static byte[] Deflate(byte[] dataSet)
    {
        var output = new MemoryStream();
        using (var deflater = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflater.Write(dataSet);
        }

        return output.ToArray();
    }

    /// <summary>SOP Class, SOP Instance, Study and Series Instance UIDs and Pixel Data (OB), explicit VR little endian.</summary>
    private static byte[] DataSet(int pixelBytes, bool random)
    {
        var output = new MemoryStream();
        foreach (var (element, group, uid) in new[] { (0x0016, 0x0008, "1.2.840.10008.5.1.4.1.1.7\0"), (0x0018, 0x0008, "1.2.3.4\0"), (0x000D, 0x0020, "1.2.3.5\0"), (0x000E, 0x0020, "1.2.3.6\0") })
        {
            var header = new byte[8];
            BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)group);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), (ushort)element);
            Encoding.ASCII.GetBytes("UI").CopyTo(header, 4);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), (ushort)uid.Length);
            output.Write(header);
            output.Write(Encoding.ASCII.GetBytes(uid));
        }

        var pixels = new byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(pixels, 0x7FE0);
        BinaryPrimitives.WriteUInt16LittleEndian(pixels.AsSpan(2), 0x0010);
        Encoding.ASCII.GetBytes("OB").CopyTo(pixels, 4);
        BinaryPrimitives.WriteUInt32LittleEndian(pixels.AsSpan(8), (uint)pixelBytes);
        output.Write(pixels);
        var value = new byte[pixelBytes];
        if (random)
        {
            new Random(24).NextBytes(value);
        }

        output.Write(value);
        return output.ToArray();
    }
}
