using System.Buffers.Binary;
using System.Text;

namespace ImagingGateway.Infrastructure.Local.Tests.TestSupport;

/// <summary>
/// Builds small DICOM Part 10 files byte by byte (PS3.10 7.1 meta group, then an Explicit VR Little Endian data set,
/// PS3.5 7.1.2), independent of the toolkit under test.
/// </summary>
public static class TestDicomFiles
{
    public const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    public const string ExplicitVrLittleEndian = "1.2.840.10008.1.2.1";
    public const string JpegBaseline = "1.2.840.10008.1.2.4.50";
    public const string PydicomTestFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

    public static byte[] Create(string sopInstanceUid, string studyUid, string seriesUid, int pixelBytes = 512, bool omitStudyUid = false) =>
        Create(sopInstanceUid, studyUid, seriesUid, NativePixelData(pixelBytes), [], ExplicitVrLittleEndian, omitStudyUid);

    /// <summary>
    /// A file whose data set ends with <paramref name="pixelData"/> (a whole element, or only its header when the caller
    /// writes the value) and then <paramref name="trailing"/> elements.
    /// </summary>
    public static byte[] Create(
        string sopInstanceUid,
        string studyUid,
        string seriesUid,
        byte[] pixelData,
        byte[] trailing,
        string transferSyntax = ExplicitVrLittleEndian,
        bool omitStudyUid = false)
    {
        var meta = new MemoryStream();
        Element(meta, 0x0002, 0x0001, "OB", [0x00, 0x01]);
        Element(meta, 0x0002, 0x0002, "UI", Uid(CtImageStorage));
        Element(meta, 0x0002, 0x0003, "UI", Uid(sopInstanceUid));
        Element(meta, 0x0002, 0x0010, "UI", Uid(transferSyntax));
        Element(meta, 0x0002, 0x0012, "UI", Uid("1.2.826.0.1.3680043.10.1"));

        var data = new MemoryStream();
        Element(data, 0x0008, 0x0016, "UI", Uid(CtImageStorage));
        Element(data, 0x0008, 0x0018, "UI", Uid(sopInstanceUid));
        Element(data, 0x0008, 0x0020, "DA", Text("20261128"));
        Element(data, 0x0008, 0x0060, "CS", Text("CT"));
        Element(data, 0x0010, 0x0010, "PN", Text("Doe^Jane"));
        Element(data, 0x0010, 0x0020, "LO", Text("PID-1"));
        if (!omitStudyUid)
        {
            Element(data, 0x0020, 0x000D, "UI", Uid(studyUid));
        }

        Element(data, 0x0020, 0x000E, "UI", Uid(seriesUid));
        Element(data, 0x0020, 0x0013, "IS", Text("7"));
        Element(data, 0x0028, 0x0010, "US", U16(16));
        Element(data, 0x0028, 0x0011, "US", U16(16));
        data.Write(pixelData);
        data.Write(trailing);

        var file = new MemoryStream();
        file.Write(new byte[128]);
        file.Write("DICM"u8);
        var groupLength = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(groupLength, (uint)meta.Length);
        Element(file, 0x0002, 0x0000, "UL", groupLength);
        meta.Position = 0;
        meta.CopyTo(file);
        data.Position = 0;
        data.CopyTo(file);
        return file.ToArray();
    }

    /// <summary>Native Pixel Data (7FE0,0010) OW of defined length (PS3.5 A.1).</summary>
    public static byte[] NativePixelData(int bytes) => Element(0x7FE0, 0x0010, "OW", new byte[bytes]);

    /// <summary>The header of a native Pixel Data element of <paramref name="length"/> bytes, without its value.</summary>
    public static byte[] NativePixelDataHeader(uint length)
    {
        var header = Element(0x7FE0, 0x0010, "OW", []);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), length);
        return header;
    }

    /// <summary>
    /// Encapsulated Pixel Data (PS3.5 A.4): undefined length, an empty Basic Offset Table item, one item per fragment
    /// (filled with 0xAB), the Sequence Delimitation Item.
    /// </summary>
    public static byte[] EncapsulatedPixelData(params int[] fragmentSizes)
    {
        var s = new MemoryStream();
        s.Write([0xE0, 0x7F, 0x10, 0x00, (byte)'O', (byte)'B', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]);
        Item(s, 0xE000, []);
        foreach (var size in fragmentSizes)
        {
            Item(s, 0xE000, Enumerable.Repeat((byte)0xAB, size).ToArray());
        }

        Item(s, 0xE0DD, []);
        return s.ToArray();
    }

    /// <summary>One Explicit VR Little Endian element (PS3.5 7.1.2).</summary>
    public static byte[] Element(ushort group, ushort element, string vr, byte[] value)
    {
        var s = new MemoryStream();
        Element(s, group, element, vr, value);
        return s.ToArray();
    }

    /// <summary>A text value padded to even length with a space (PS3.5 6.2).</summary>
    public static byte[] Text(string text) => Pad(Encoding.ASCII.GetBytes(text), (byte)' ');

    /// <summary>A valid file cut inside its Pixel Data.</summary>
    public static byte[] Truncated(string sopInstanceUid, string studyUid, string seriesUid)
    {
        var whole = Create(sopInstanceUid, studyUid, seriesUid, pixelBytes: 4096);
        return whole[..(whole.Length - 1000)];
    }

    private static void Element(Stream s, ushort group, ushort element, string vr, byte[] value)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(header, group);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], element);
        header[4] = (byte)vr[0];
        header[5] = (byte)vr[1];
        if (vr is "OB" or "OW" or "SQ" or "UN" or "UT")
        {
            header[6] = 0;
            header[7] = 0;
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)value.Length);
            s.Write(header);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)value.Length);
            s.Write(header[..8]);
        }

        s.Write(value);
    }

    private static void Item(Stream s, ushort element, byte[] value)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(header, 0xFFFE);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], element);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)value.Length);
        s.Write(header);
        s.Write(value);
    }

    private static byte[] Uid(string uid) => Pad(Encoding.ASCII.GetBytes(uid), 0);


    private static byte[] Pad(byte[] value, byte pad) => value.Length % 2 == 0 ? value : [.. value, pad];

    private static byte[] U16(ushort v)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        return b;
    }
}
