using System.Buffers.Binary;
using System.Text;

namespace ImagingGateway.Gateway.Tests.Support;

/// <summary>Just enough of PS3.10 to split a file into its meta information and its data set, independent of src/Dicom.</summary>
public static class Part10
{
    private static readonly HashSet<string> LongVrs = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"];

    /// <summary>The bytes after the File Meta Information (group 0002, always Explicit VR Little Endian).</summary>
    public static byte[] DataSetBytes(byte[] file)
    {
        if (file.Length < 132 || Encoding.ASCII.GetString(file, 128, 4) != "DICM")
        {
            throw new InvalidDataException("not a Part 10 file (no DICM prefix)");
        }

        var i = 132;
        while (i + 8 <= file.Length && BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(i)) == 0x0002)
        {
            var vr = Encoding.ASCII.GetString(file, i + 4, 2);
            if (LongVrs.Contains(vr))
            {
                i += 12 + (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(i + 8));
            }
            else
            {
                i += 8 + BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(i + 6));
            }
        }

        return file[i..];
    }

    public static byte[] DataSetBytes(string path) => DataSetBytes(File.ReadAllBytes(path));
}
