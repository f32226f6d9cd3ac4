using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using ImagingGateway.Dicom.DataSets;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Writing;

namespace ImagingGateway.Dicom.Benchmarks;

/// <summary>
/// Benchmark inputs built from pydicom's CT_small.dcm header: a 512x512 16-bit CT (0.5 MB of pixel data) and a
/// 200-frame file of the same frames (100 MB), both Explicit VR Little Endian Part 10 files.
/// </summary>
public static class SyntheticFiles
{
    public const string CtSmallPath = "/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm";

    public static byte[] Create(int rows, int columns, int frames)
    {
        var source = Part10Reader.ReadFile(File.ReadAllBytes(CtSmallPath));
        var dataSet = new DataSet();
        var framesAdded = false;
        foreach (var element in source.DataSet)
        {
            if (element.Tag == DicomTag.PixelData)
            {
                var pixels = new byte[(long)rows * columns * 2 * frames];
                Random.Shared.NextBytes(pixels);
                dataSet.Add(new ValueElement(DicomTag.PixelData, DicomVr.OW, pixels));
                continue;
            }

            if (frames > 1 && !framesAdded && element.Tag > DicomTags.NumberOfFrames)
            {
                dataSet.Add(new ValueElement(DicomTags.NumberOfFrames, DicomVr.IS, Encoding.ASCII.GetBytes(frames.ToString(System.Globalization.CultureInfo.InvariantCulture).PadRight(4))));
                framesAdded = true;
            }

            dataSet.Add(element.Tag == DicomTags.Rows ? UShort(DicomTags.Rows, rows)
                : element.Tag == DicomTags.Columns ? UShort(DicomTags.Columns, columns)
                : element);
        }

        var meta = source.Meta! with { GroupLength = null };
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write(Part10FileWriter.EncodeHeader(meta));
        DataSetWriter.Write(dataSet, TransferSyntax.ExplicitVRLittleEndian, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static ValueElement UShort(DicomTag tag, int value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)value);
        return new ValueElement(tag, DicomVr.US, bytes);
    }
}
