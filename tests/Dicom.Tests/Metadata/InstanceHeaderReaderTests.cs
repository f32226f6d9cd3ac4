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
        // CT_small's header (2 KB or so before Pixel Data) against a limit of 1 KiB: the buffer grows to the limit, then stops.
        await using var stream = File.OpenRead(Corpus.TestFile("CT_small.dcm"));

        var result = await InstanceHeaderReader.ReadFileAsync(stream, maxHeaderBytes: 1024);

        Assert.Equal(HeaderReadStatus.Invalid, result.Status);
        Assert.Equal("Header is larger than 1024 bytes", result.Error!.Message);
        Assert.Equal(1024, result.Error!.Offset);
    }
}
