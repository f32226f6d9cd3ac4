using System.Buffers;
using ImagingGateway.Dicom.DataSets;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Metadata;
using ImagingGateway.Dicom.Reading;
using ImagingGateway.Dicom.Tests.TestSupport;

namespace ImagingGateway.Dicom.Tests.DataSets;

public class DataSetStructureTests
{
    [Fact]
    public void GivenFilter_WhenBuilt_ThenOnlyTheAcceptedTopLevelElementsAreKeptWithEverythingNestedInThem()
    {
        var bytes = Corpus.Read("rtplan.dcm");
        var meta = Part10Reader.ReadFileMeta(new ReadOnlySequence<byte>(bytes), true);
        var whole = Part10Reader.ReadFile(bytes).DataSet;
        var beams = new DicomTag(0x300A, 0x00B0);
        Func<DicomTag, bool> filter = tag => tag == DicomTags.PatientName || tag == beams;
        var builder = new DataSetBuilder(filter: filter);
        var reader = new DataSetReader(TransferSyntax.Lookup(meta.DataSetTransferSyntaxUid!), null, meta.DataSetOffset);

        reader.Read(new ReadOnlySequence<byte>(bytes).Slice(meta.DataSetOffset), true, ref builder);

        Assert.Equal([DicomTags.PatientName, beams], builder.Root.Select(e => e.Tag));
        Assert.NotEmpty(Assert.IsType<SequenceElement>(builder.Root[1]).Items);
        Assert.Equal(
            DicomJsonWriter.ToJson(whole, new DicomJsonOptions { Filter = filter }),
            DicomJsonWriter.ToJson(builder.Root));
    }

    [Fact]
    public void GivenJpeg2000File_WhenParsed_ThenPixelDataIsFragmentsWithEmptyOffsetTable()
    {
        var file = Part10Reader.ReadFile(Corpus.Read("JPEG2000.dcm"));

        var pixels = Assert.IsType<FragmentsElement>(file.DataSet.Find(DicomTag.PixelData));

        Assert.True(file.TransferSyntax.IsEncapsulated);
        Assert.Equal(0, pixels.BasicOffsetTable.Length);
        var fragment = Assert.Single(pixels.Fragments);
        Assert.Equal(0xFF, fragment.Span[0]);
        Assert.Equal(0x4F, fragment.Span[1]);
    }

    [Fact]
    public void GivenMultiFrameRle_WhenParsed_ThenOffsetTableHasOneEntryPerFrame()
    {
        var file = Part10Reader.ReadFile(Corpus.Read("SC_rgb_rle_2frame.dcm"));

        var pixels = Assert.IsType<FragmentsElement>(file.DataSet.Find(DicomTag.PixelData));

        Assert.Equal(8, pixels.BasicOffsetTable.Length);
        Assert.Equal(2, pixels.Fragments.Count());
    }

    [Fact]
    public void GivenUnOfUndefinedLength_WhenParsed_ThenReadAsImplicitSequence()
    {
        var file = Part10Reader.ReadFile(Corpus.Read("UN_sequence.dcm"));

        var sequence = Assert.IsType<SequenceElement>(file.DataSet.Find(new DicomTag(0x4453, 0x100C)));

        Assert.Equal(DicomVr.UN, sequence.Vr);
        Assert.True(sequence.HasUndefinedLength);
        Assert.NotEmpty(sequence.Items);
    }

    [Fact]
    public void GivenNestedPrivateSequences_WhenParsed_ThenNestingAndValuesKept()
    {
        var file = Part10Reader.ReadFile(Corpus.Read("nested_priv_SQ.dcm"));

        var outer = Assert.IsType<SequenceElement>(file.DataSet.Find(new DicomTag(0x0001, 0x0001)));
        var inner = Assert.IsType<SequenceElement>(Assert.Single(outer.Items).Find(new DicomTag(0x0001, 0x0001)));
        var value = Assert.IsType<ValueElement>(Assert.Single(inner.Items).Find(new DicomTag(0x0001, 0x0001)));

        Assert.Equal("Double Nested SQ", System.Text.Encoding.ASCII.GetString(value.Value.Span));
    }

    [Fact]
    public void GivenDeflatedFile_WhenParsed_ThenInflatedDataSetRead()
    {
        var file = Part10Reader.ReadFile(Corpus.Read("image_dfl.dcm"));

        Assert.True(file.TransferSyntax.IsDeflated);
        Assert.NotNull(file.DataSet.GetString(DicomTags.SOPInstanceUID));
        Assert.NotNull(file.DataSet.Find(DicomTag.PixelData));
    }
}
