using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Metadata;
using ImagingGateway.Dicom.Reading;

namespace ImagingGateway.Dicom.Tests.Metadata;

/// <summary>
/// A Deflated Explicit VR Little Endian file of about 1 MB whose data set inflates to 1 GiB (issue #24, item 2): the
/// header readers inflate only the header, and a whole-file inflate stops at its cap instead of taking the memory.
/// Memory is measured as the bytes this thread allocates, which other tests running at the same time do not touch.
/// </summary>
public sealed class DeflateBombTests
{
    private const long InflatedPixelBytes = 1L << 30;
    private static readonly Lazy<byte[]> Bomb = new(MakeBomb);

    [Fact]
    public void GivenA1GiBDeflateBomb_WhenItsHeaderIsReadFromMemory_ThenLessThan64MiBIsAllocated()
    {
        var file = Bomb.Value;
        var before = GC.GetAllocatedBytesForCurrentThread();

        var result = InstanceHeaderReader.ReadFile(new ReadOnlySequence<byte>(file), isFinalBlock: true, new ReadOptions { StopAtTag = new DicomTag(0x0020, 0x000F) });

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(HeaderReadStatus.Completed, result.Status);
        Assert.Equal("1.2.3.6", result.Header!.SeriesInstanceUid);
        Assert.True(allocated < 64L << 20, $"{allocated / (1 << 20)} MiB allocated to read the header of a deflate bomb");
    }

    [Fact]
    public void GivenA1GiBDeflateBomb_WhenInflatedWholeWithACap_ThenItFailsAtTheCap()
    {
        var file = Bomb.Value;
        var meta = Part10Reader.ReadFileMeta(new ReadOnlySequence<byte>(file), isFinalBlock: true);
        var before = GC.GetAllocatedBytesForCurrentThread();

        var error = Assert.Throws<InvalidDataException>(() => Part10Reader.Inflate(file.AsMemory((int)meta.DataSetOffset), maxInflatedBytes: 16 << 20));

        Assert.Contains("more than 16777216 bytes", error.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 96L << 20);
    }

    private static byte[] MakeBomb()
    {
        var header = new MemoryStream();
        Span<byte> head = stackalloc byte[8];
        foreach (var (element, group, value) in new[] { (0x0016, 0x0008, "1.2.840.10008.5.1.4.1.1.7\0"), (0x0018, 0x0008, "1.2.3.4\0"), (0x000D, 0x0020, "1.2.3.5\0"), (0x000E, 0x0020, "1.2.3.6\0") })
        {
            BinaryPrimitives.WriteUInt16LittleEndian(head, (ushort)group);
            BinaryPrimitives.WriteUInt16LittleEndian(head[2..], (ushort)element);
            "UI"u8.CopyTo(head[4..]);
            BinaryPrimitives.WriteUInt16LittleEndian(head[6..], (ushort)value.Length);
            header.Write(head);
            header.Write(Encoding.ASCII.GetBytes(value));
        }

        Span<byte> pixelHead = stackalloc byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(pixelHead, 0x0010_7FE0);
        "OB"u8.CopyTo(pixelHead[4..]);
        BinaryPrimitives.WriteUInt32LittleEndian(pixelHead[8..], (uint)InflatedPixelBytes);
        header.Write(pixelHead);

        var output = new MemoryStream();
        output.Write(Part10FileWriter.EncodeHeader(DicomFileMetaInformation.Create("1.2.840.10008.5.1.4.1.1.7", "1.2.3.4", TransferSyntax.DeflatedExplicitVRLittleEndian.Uid, "BOMB")));
        using (var deflater = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflater.Write(header.ToArray());
            var zeros = new byte[1 << 20];
            for (long written = 0; written < InflatedPixelBytes; written += zeros.Length)
            {
                deflater.Write(zeros);
            }
        }

        Assert.True(output.Length < 4 << 20, $"the bomb is {output.Length} bytes");
        return output.ToArray();
    }
}
