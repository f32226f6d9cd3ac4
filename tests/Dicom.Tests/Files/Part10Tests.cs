using System.Buffers;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Files;
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

    [Fact]
    public void GivenWriterWithoutHeader_WhenDataWritten_ThenRefuses()
    {
        var writer = new Part10FileWriter(new MemoryStream());

        Assert.Throws<InvalidOperationException>(() => writer.WriteDataSet([1, 2]));
    }
}
