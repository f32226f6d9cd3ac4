using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Reading;
using Corpus = ImagingGateway.Dicom.Tests.Network.TestSupport.Corpus;
using RecordingVisitor = ImagingGateway.Dicom.Tests.TestSupport.RecordingVisitor;

namespace ImagingGateway.Dicom.Tests.Reading;

/// <summary>
/// The structure walk run while a C-STORE's data set streams to storage (issue #24): well-formed data sets pass however
/// they are cut into chunks; a value running past the end, a truncated pixel data element and runaway nesting fail.
/// </summary>
public sealed class DataSetStructureWalkerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(13)]
    [InlineData(4096)]
    [InlineData(int.MaxValue)]
    public void GivenTheCorpus_WhenWalkedInChunks_ThenTheVerdictIsThatOfReadingEachFileWhole(int chunk)
    {
        var wellFormed = 0;
        foreach (var file in Corpus.Part10Files())
        {
            var syntax = TransferSyntax.Lookup(file.TransferSyntaxUid);
            if (syntax.IsDeflated)
            {
                continue;
            }

            var dataSet = Corpus.DataSet(file);
            var visitor = new RecordingVisitor();
            var whole = new DataSetReader(syntax).Read(new ReadOnlySequence<byte>(dataSet), isFinalBlock: true, ref visitor);
            var error = Walk(dataSet, syntax, chunk);

            Assert.True((error is null) == (whole.Status == DataSetReadStatus.Completed), $"{file.Path}: walked {error}, read whole {whole.Error}");
            wellFormed += error is null ? 1 : 0;
        }

        Assert.True(wellFormed > 40, $"only {wellFormed} corpus files are well formed");
    }

    [Theory]
    [InlineData("MR_truncated.dcm")]
    [InlineData("rtplan_truncated.dcm")]
    public void GivenPydicomsTruncatedFiles_WhenWalked_ThenTheyFail(string name)
    {
        var file = Corpus.Part10Files().Single(f => Path.GetFileName(f.Path) == name);

        var error = Walk(Corpus.DataSet(file), TransferSyntax.Lookup(file.TransferSyntaxUid), 1000);

        Assert.NotNull(error);
    }

    [Fact]
    public void GivenPixelDataCutShort_WhenWalked_ThenTheErrorNamesPixelData()
    {
        var dataSet = Concat(Header(), Long(0x7FE0, 0x0010, "OW", new byte[1000]));

        var error = Walk(dataSet[..^10], TransferSyntax.ExplicitVRLittleEndian, 64);

        Assert.NotNull(error);
        Assert.Equal(DicomTag.PixelData, error.Tag);
        Assert.Contains("runs past the end", error.Message, StringComparison.Ordinal);
        Assert.Null(Walk(dataSet, TransferSyntax.ExplicitVRLittleEndian, 64));
    }

    [Fact]
    public void GivenALengthOf0xFFFFFFF0AfterTheSeriesUid_WhenWalked_ThenItFails()
    {
        var lying = new byte[12];
        Encoding.ASCII.GetBytes("\x09\x00\x10\x00OB\0\0").CopyTo(lying, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(lying.AsSpan(8), 0xFFFFFFF0);
        var dataSet = Concat(Header(), lying, new byte[100]);

        var error = Walk(dataSet, TransferSyntax.ExplicitVRLittleEndian, 7);

        Assert.NotNull(error);
        Assert.Equal(new DicomTag(0x0009, 0x0010), error.Tag);
    }

    [Fact]
    public void GivenSequencesNested10000Deep_WhenWalked_ThenTheNestingLimitStopsIt()
    {
        var nested = new MemoryStream();
        for (var i = 0; i < 10_000; i++)
        {
            nested.Write(Hex("0900 1110 5351 0000 FFFFFFFF"));
            nested.Write(Hex("FEFF 00E0 FFFFFFFF"));
        }

        var walker = new DataSetStructureWalker(TransferSyntax.ExplicitVRLittleEndian);
        walker.Write(new ReadOnlySequence<byte>(Concat(Header(), nested.ToArray())));

        Assert.NotNull(walker.Error);
        Assert.Contains("nesting deeper than 64", walker.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenNesting64Deep_WhenWalked_ThenItIsAccepted()
    {
        var nested = new MemoryStream();
        for (var i = 0; i < 64; i++)
        {
            nested.Write(Hex("0900 1110 5351 0000 FFFFFFFF"));
            nested.Write(Hex("FEFF 00E0 FFFFFFFF"));
        }

        for (var i = 0; i < 64; i++)
        {
            nested.Write(Hex("FEFF 0DE0 00000000 FEFF DDE0 00000000"));
        }

        Assert.Null(Walk(Concat(Header(), nested.ToArray()), TransferSyntax.ExplicitVRLittleEndian, 3));
    }

    [Fact]
    public void GivenADataSetCutInsideAnElementHeader_WhenWalked_ThenItFails()
    {
        var dataSet = Concat(Header(), Long(0x7FE0, 0x0010, "OW", new byte[16]));

        Assert.NotNull(Walk(dataSet[..(dataSet.Length - 16 - 5)], TransferSyntax.ExplicitVRLittleEndian, 2));
    }

    private static DicomReadError? Walk(byte[] dataSet, TransferSyntax syntax, int chunk)
    {
        var walker = new DataSetStructureWalker(syntax);
        for (var offset = 0; offset < dataSet.Length; offset += chunk)
        {
            walker.Write(new ReadOnlySequence<byte>(dataSet.AsMemory(offset, Math.Min(chunk, dataSet.Length - offset))));
        }

        return walker.Finish();
    }

    /// <summary>SOP Class, SOP Instance, Study and Series Instance UIDs, explicit VR little endian.</summary>
    private static byte[] Header() => Concat(
        Short(0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.7\0"),
        Short(0x0008, 0x0018, "UI", "1.2.3.4"),
        Short(0x0020, 0x000D, "UI", "1.2.3.5"),
        Short(0x0020, 0x000E, "UI", "1.2.3.6"));

    private static byte[] Short(ushort group, ushort element, string vr, string value)
    {
        var bytes = new byte[8 + value.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, group);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), element);
        Encoding.ASCII.GetBytes(vr).CopyTo(bytes, 4);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), (ushort)value.Length);
        Encoding.ASCII.GetBytes(value).CopyTo(bytes, 8);
        return bytes;
    }

    private static byte[] Long(ushort group, ushort element, string vr, byte[] value)
    {
        var bytes = new byte[12 + value.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, group);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), element);
        Encoding.ASCII.GetBytes(vr).CopyTo(bytes, 4);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)value.Length);
        value.CopyTo(bytes, 12);
        return bytes;
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
