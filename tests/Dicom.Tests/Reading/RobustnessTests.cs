using System.Buffers;
using CsCheck;
using ImagingGateway.Dicom.DataSets;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Metadata;
using ImagingGateway.Dicom.Reading;
using ImagingGateway.Dicom.Tests.TestSupport;

namespace ImagingGateway.Dicom.Tests.Reading;

/// <summary>Bad input gets a precise error, never a crash or a hang (DEVELOPERS.md "Rules").</summary>
public class RobustnessTests
{
    private static readonly TransferSyntax[] Syntaxes =
        [TransferSyntax.ImplicitVRLittleEndian, TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ExplicitVRBigEndian];

    [Fact]
    public void GivenRandomBytes_WhenParsedInEverySyntax_ThenAStatusAndNoException()
    {
        Gen.Byte.Array[0, 512].Sample(bytes =>
        {
            foreach (var syntax in Syntaxes)
            {
                var result = DataSetParser.TryParse(bytes, syntax, out _);
                Assert.True(result.Status is DataSetReadStatus.Completed or DataSetReadStatus.Invalid);
                Assert.True(result.Status == DataSetReadStatus.Completed || result.Error is not null);
                InstanceHeaderReader.ReadDataSet(new ReadOnlySequence<byte>(bytes), syntax, isFinalBlock: false);
            }
        }, iter: 3000);
    }

    [Fact]
    public void GivenMutatedRealFiles_WhenReadEveryWay_ThenOnlyDicomFormatErrors()
    {
        var files = new[] { "CT_small.dcm", "rtplan.dcm", "MR_small_bigendian.dcm", "JPEG2000.dcm", "UN_sequence.dcm" }
            .Select(f => Corpus.Read(f)[..Math.Min(6000, Corpus.Read(f).Length)])
            .ToArray();
        var gen = Gen.Select(Gen.Int[0, files.Length - 1], Gen.Select(Gen.Int[0, 5999], Gen.Byte).Array[1, 8]);

        gen.Sample((index, flips) =>
        {
            var bytes = files[index].ToArray();
            foreach (var (position, value) in flips)
            {
                bytes[position % bytes.Length] = value;
            }

            Part10Reader.ReadFileMeta(new ReadOnlySequence<byte>(bytes), true);
            var header = InstanceHeaderReader.ReadFile(new ReadOnlySequence<byte>(bytes), true);
            if (header.Header is { } h)
            {
                InstanceValidator.Validate(h, header.Meta, "1.2", "1.2");
            }

            try
            {
                var file = Part10Reader.ReadFile(bytes);
                DicomJsonWriter.ToJson(file.DataSet);
            }
            catch (DicomFormatException ex)
            {
                // A precise error: it says what is wrong and where, inside the bytes that were read.
                Assert.False(string.IsNullOrWhiteSpace(ex.Error.Message), "a format error without a message");
                Assert.InRange(ex.Error.Offset, 0, bytes.Length);
            }
        }, iter: 3000);
    }

    [Fact]
    public void GivenDeeplyNestedSequences_WhenParsed_ThenRejectedAtTheDepthLimit()
    {
        // 100 nested undefined-length sequences in implicit VR: (0008,1115) length FFFFFFFF, item FFFFFFFF, ...
        var one = new byte[] { 0x08, 0x00, 0x15, 0x11, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF };
        var bytes = Enumerable.Repeat(one, 100).SelectMany(b => b).ToArray();

        var result = DataSetParser.TryParse(bytes, TransferSyntax.ImplicitVRLittleEndian, out _);

        Assert.Equal(DataSetReadStatus.Invalid, result.Status);
        Assert.Equal("Sequence nesting deeper than 64", result.Error!.Message);
        Assert.Equal(64 * 16, result.Error.Offset);
    }
}
