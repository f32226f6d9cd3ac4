using System.Buffers.Binary;
using System.Text;

namespace ImagingGateway.Dicom.Tests.Network.TestSupport;

/// <summary>Minimal test-only Part 10 file meta writer (PS3.10 7.1): preamble, DICM, group 0002 in Explicit VR LE.</summary>
public static class Part10TestWriter
{
    public static byte[] FileMeta(string sopClass, string sopInstance, string transferSyntax)
    {
        var group = new MemoryStream();
        WriteOb(group, 0x0001, [0x00, 0x01]);
        WriteShort(group, 0x0002, "UI", Pad(sopClass, 0));
        WriteShort(group, 0x0003, "UI", Pad(sopInstance, 0));
        WriteShort(group, 0x0010, "UI", Pad(transferSyntax, 0));
        WriteShort(group, 0x0012, "UI", Pad("2.25.1", 0));
        var meta = new MemoryStream();
        meta.Write(new byte[128]);
        meta.Write("DICM"u8);
        var length = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)group.Length);
        WriteShort(meta, 0x0000, "UL", length);
        group.Position = 0;
        group.CopyTo(meta);
        return meta.ToArray();
    }

    private static byte[] Pad(string value, byte padding)
    {
        var bytes = Encoding.ASCII.GetBytes(value);
        return bytes.Length % 2 == 0 ? bytes : [.. bytes, padding];
    }

    private static void WriteShort(Stream stream, ushort element, string vr, byte[] value)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(header, 0x0002);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], element);
        Encoding.ASCII.GetBytes(vr, header[4..]);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)value.Length);
        stream.Write(header);
        stream.Write(value);
    }

    private static void WriteOb(Stream stream, ushort element, byte[] value)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(header, 0x0002);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], element);
        "OB"u8.CopyTo(header[4..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)value.Length);
        stream.Write(header);
        stream.Write(value);
    }
}
