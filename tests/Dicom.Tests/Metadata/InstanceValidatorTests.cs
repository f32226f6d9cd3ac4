using System.Buffers;
using System.Text;
using ImagingGateway.Dicom.DataSets;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Metadata;
using ImagingGateway.Dicom.Tests.TestSupport;
using ImagingGateway.Dicom.Writing;

namespace ImagingGateway.Dicom.Tests.Metadata;

public class InstanceValidatorTests
{
    [Fact]
    public void GivenSopInstanceUidWithALetter_WhenValidated_ThenErrorNamesTagOffsetAndPosition()
    {
        var file = Corpus.Read("CT_small.dcm");
        var uid = "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322"u8;
        var dataSetOffset = (int)Part10Reader.ReadFileMeta(new ReadOnlySequence<byte>(file), true).DataSetOffset;
        var at = file.AsSpan(dataSetOffset).IndexOf(uid) + dataSetOffset;
        file[at + 5] = (byte)'x';
        var result = InstanceHeaderReader.ReadFile(new ReadOnlySequence<byte>(file), true);

        var errors = InstanceValidator.Validate(result.Header!);

        var error = Assert.Single(errors);
        Assert.Equal(DicomTags.SOPInstanceUID, error.Tag);
        Assert.Equal(at - 8, error.Offset);
        Assert.Equal("SOP Instance UID '1.3.6x1.4.1.5962.1.1.1.1.1.20040119072730.12322' is invalid: UID has an invalid character 'x' at position 5", error.Message);
    }

    [Fact]
    public void GivenDataSetWithoutStudyInstanceUid_WhenValidated_ThenMissingIsReported()
    {
        var source = Part10Reader.ReadFile(Corpus.Read("CT_small.dcm"));
        var stripped = new DataSet();
        foreach (var element in source.DataSet.Where(e => e.Tag != DicomTags.StudyInstanceUID))
        {
            stripped.Add(element);
        }

        var bytes = DataSetWriter.Encode(stripped, TransferSyntax.ExplicitVRLittleEndian);
        var result = InstanceHeaderReader.ReadDataSet(new ReadOnlySequence<byte>(bytes), TransferSyntax.ExplicitVRLittleEndian, true);

        var error = Assert.Single(InstanceValidator.Validate(result.Header!));
        Assert.Equal(DicomTags.StudyInstanceUID, error.Tag);
        Assert.Equal("Study Instance UID (0020,000D) is missing", error.Message);
    }

    [Fact]
    public async Task GivenFileWhoseMetaNamesAnotherInstance_WhenValidated_ThenMismatchReported()
    {
        var file = Corpus.Read("CT_small.dcm");
        var meta = Part10Reader.ReadFileMeta(new ReadOnlySequence<byte>(file), true);
        using var output = new MemoryStream();
        var writer = new Part10FileWriter(output);
        await writer.WriteFileMetaInformationAsync(meta.Meta! with { MediaStorageSopInstanceUid = "1.2.3.4" });
        await writer.WriteDataSetAsync(file.AsMemory((int)meta.DataSetOffset));

        var result = InstanceHeaderReader.ReadFile(new ReadOnlySequence<byte>(output.ToArray()), true);

        var error = Assert.Single(InstanceValidator.Validate(result.Header!, result.Meta));
        Assert.Equal(DicomTags.SOPInstanceUID, error.Tag);
        Assert.Contains("does not match the Media Storage SOP Instance UID (0002,0003) of the file meta information '1.2.3.4'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MR_truncated.dcm", HeaderReadStatus.Completed)]
    [InlineData("rtplan_truncated.dcm", HeaderReadStatus.Invalid)]
    public void GivenTruncatedFiles_WhenHeaderRead_ThenOnlyATruncatedHeaderIsInvalid(string file, HeaderReadStatus expected)
    {
        // MR_truncated is cut inside Pixel Data, which a header read never reaches; rtplan_truncated is cut in the header.
        var result = InstanceHeaderReader.ReadFile(new ReadOnlySequence<byte>(Corpus.Read(file)), true);

        Assert.Equal(expected, result.Status);
        if (expected == HeaderReadStatus.Invalid)
        {
            Assert.Equal(new DicomTag(0x300A, 0x012C), result.Error!.Tag);
        }
    }

    [Theory]
    [InlineData("MR_small_bigendian.dcm")]
    [InlineData("image_dfl.dcm")]
    [InlineData("no_meta_group_length.dcm")]
    [InlineData("ExplVR_BigEndNoMeta.dcm")]
    public void GivenOtherEncodings_WhenHeaderRead_ThenUidsAgreeWithFullParse(string file)
    {
        var bytes = Corpus.Read(file);
        var full = Part10Reader.ReadFile(bytes).DataSet;

        var result = InstanceHeaderReader.ReadFile(new ReadOnlySequence<byte>(bytes), true);

        Assert.Equal(HeaderReadStatus.Completed, result.Status);
        Assert.Equal(full.GetString(DicomTags.SOPInstanceUID), result.Header!.SopInstanceUid);
        Assert.Equal(full.GetString(DicomTags.StudyInstanceUID), result.Header.StudyInstanceUid);
        Assert.Equal(full.GetString(DicomTags.Modality), result.Header.Modality);
        Assert.Equal(full.GetString(DicomTags.PatientName), result.Header.PatientName);
        Assert.Equal(Encoding.ASCII.GetByteCount(result.Header.SopInstanceUid ?? string.Empty) > 0, result.Header.SopInstanceUid is not null);
    }
}
