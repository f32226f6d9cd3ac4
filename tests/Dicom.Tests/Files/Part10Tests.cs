using System.Buffers;
using ImagingGateway.Dicom.DataSets;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Metadata;
using ImagingGateway.Dicom.Reading;
using ImagingGateway.Dicom.Tests.TestSupport;

namespace ImagingGateway.Dicom.Tests.Files;

public class Part10Tests
{
    [Fact]
    public void GivenCtSmall_WhenMetaRead_ThenUidsAndDataSetOffsetAreKnown()
    {
        var file = Corpus.Read("CT_small.dcm");

        var result = Part10Reader.ReadFileMeta(new ReadOnlySequence<byte>(file), true);

        Assert.Equal(FileMetaReadStatus.Completed, result.Status);
        var meta = result.Meta!;
        Assert.True(meta.HasPreamble);
        Assert.Equal("1.2.840.10008.5.1.4.1.1.2", meta.MediaStorageSopClassUid);
        Assert.Equal("1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322", meta.MediaStorageSopInstanceUid);
        Assert.Equal(TransferSyntax.ExplicitVRLittleEndian.Uid, meta.TransferSyntaxUid);
        Assert.Equal("1.3.6.1.4.1.5962.2", meta.ImplementationClassUid);
        Assert.Equal("DCTOOL100", meta.ImplementationVersionName);
        Assert.Equal("CLUNIE1", meta.SourceApplicationEntityTitle);
        Assert.Equal(132 + 12 + (long)meta.GroupLength!.Value, meta.DataSetOffset);
    }

    [Fact]
    public void GivenAnyPrefixShorterThanTheMeta_WhenRead_ThenNeedMoreData()
    {
        var file = Corpus.Read("CT_small.dcm");
        var full = Part10Reader.ReadFileMeta(new ReadOnlySequence<byte>(file), true);

        for (var length = 0; length < full.DataSetOffset; length++)
        {
            var partial = Part10Reader.ReadFileMeta(new ReadOnlySequence<byte>(file, 0, length), false);
            Assert.Equal(FileMetaReadStatus.NeedMoreData, partial.Status);
        }
    }

    [Fact]
    public async Task GivenMetaAndRawDataSet_WhenWrittenStreaming_ThenFileReadsBackWithSameMetaAndIdenticalDataSetBytes()
    {
        var source = Corpus.Read("CT_small.dcm");
        var sourceMeta = Part10Reader.ReadFileMeta(new ReadOnlySequence<byte>(source), true);
        var dataSet = source.AsMemory((int)sourceMeta.DataSetOffset);
        var meta = DicomFileMetaInformation.Create(
            sourceMeta.Meta!.MediaStorageSopClassUid, sourceMeta.Meta.MediaStorageSopInstanceUid, sourceMeta.Meta.TransferSyntaxUid, "STORESCU");

        using var output = new MemoryStream();
        var writer = new Part10FileWriter(output);
        await writer.WriteFileMetaInformationAsync(meta);
        for (var offset = 0; offset < dataSet.Length; offset += 1000)
        {
            await writer.WriteDataSetAsync(dataSet.Slice(offset, Math.Min(1000, dataSet.Length - offset)));
        }

        var written = output.ToArray();
        var readBack = Part10Reader.ReadFileMeta(new ReadOnlySequence<byte>(written), true);
        Assert.Equal(FileMetaReadStatus.Completed, readBack.Status);
        Assert.Equal(meta.MediaStorageSopInstanceUid, readBack.Meta!.MediaStorageSopInstanceUid);
        Assert.Equal("STORESCU", readBack.Meta.SourceApplicationEntityTitle);
        Assert.Equal(DicomImplementation.ClassUid, readBack.Meta.ImplementationClassUid);
        Assert.Equal((uint)(readBack.DataSetOffset - 144), readBack.Meta.GroupLength);
        Assert.Equal(dataSet.ToArray(), written[(int)readBack.DataSetOffset..]);
        Assert.Equal(dataSet.Length, writer.DataSetLength);
        Assert.Equal(written.Length, writer.Length);
    }

    public static TheoryData<string> CorpusFiles()
    {
        var data = new TheoryData<string>();
        foreach (var path in Corpus.AllDicomFiles())
        {
            data.Add(path);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public async Task GivenCorpusFile_WhenReadFromAStreamInSmallBlocks_ThenTheSameDataSetOrTheSameErrorAsReadWhole(string path)
    {
        var bytes = await File.ReadAllBytesAsync(path);
        var whole = Outcome(() => DicomJsonWriter.ToJson(Part10Reader.ReadFile(bytes).DataSet));

        var streamed = await OutcomeAsync(async () =>
            DicomJsonWriter.ToJson((await Part10Reader.ReadFileAsync(new SmallBlockStream(bytes, 997))).DataSet));

        Assert.Equal(whole, streamed);
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public async Task GivenCorpusFile_WhenReadFromAStreamSkippingLongValues_ThenTheSameMetadataOrTheSameErrorAsReadWhole(string path)
    {
        var bytes = await File.ReadAllBytesAsync(path);
        var whole = Outcome(() => InstanceMetadata.ToJson(Part10Reader.ReadFile(bytes).DataSet));
        var options = new ReadOptions { SkipValuesLongerThan = 64 };

        var streamed = await OutcomeAsync(async () =>
            InstanceMetadata.ToJson((await Part10Reader.ReadFileAsync(new SmallBlockStream(bytes, 997), options, InstanceMetadata.IsNeeded)).DataSet));

        Assert.Equal(whole, streamed);
    }

    [Fact]
    public async Task GivenFileCutInsideItsPixelData_WhenReadFromAStreamSkippingIt_ThenTruncatedNamingPixelData()
    {
        var bytes = Corpus.Read("CT_small.dcm");
        var cut = bytes[..^1000];

        var error = await Assert.ThrowsAsync<DicomFormatException>(() =>
            Part10Reader.ReadFileAsync(new SmallBlockStream(cut, 4096), new ReadOptions { SkipValuesLongerThan = 1024 }));

        Assert.Equal(DicomTag.PixelData, error.Error.Tag);
        Assert.StartsWith("Value length 32768 runs past the end of the data", error.Error.Message, StringComparison.Ordinal);
        Assert.Equal(Assert.Throws<DicomFormatException>(() => Part10Reader.ReadFile(cut)).Error, error.Error);
    }

    [Fact]
    public void GivenWriterWithoutHeader_WhenDataWritten_ThenRefuses()
    {
        var writer = new Part10FileWriter(new MemoryStream());

        Assert.Throws<InvalidOperationException>(() => writer.WriteDataSet([1, 2]));
    }

    private static string Outcome(Func<string> read)
    {
        try
        {
            return read();
        }
        catch (DicomFormatException ex)
        {
            return $"invalid: {ex.Error}";
        }
        catch (InvalidDataException ex)
        {
            return $"corrupt deflate: {ex.Message}";
        }
    }

    private static async Task<string> OutcomeAsync(Func<Task<string>> read)
    {
        try
        {
            return await read();
        }
        catch (DicomFormatException ex)
        {
            return $"invalid: {ex.Error}";
        }
        catch (InvalidDataException ex)
        {
            return $"corrupt deflate: {ex.Message}";
        }
    }

    /// <summary>A stream of a byte array that hands out at most <c>blockSize</c> bytes per read, to split the data everywhere.</summary>
    private sealed class SmallBlockStream(byte[] bytes, int blockSize) : MemoryStream(bytes, writable: false)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, blockSize));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, blockSize)]);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, blockSize), cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, blockSize)], cancellationToken);
    }
}
