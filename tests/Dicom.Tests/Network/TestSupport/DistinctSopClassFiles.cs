using System.Buffers.Binary;
using System.Text;
using ImagingGateway.Dicom.Network.Client;

namespace ImagingGateway.Dicom.Tests.Network.TestSupport;

/// <summary>
/// Small Part 10 files (PS3.10 7.1, Explicit VR Little Endian, PS3.5 7.1.2), each of its own SOP class under a test UID
/// root, built byte by byte: more SOP classes than one association's 128 presentation contexts can carry (PS3.8 9.3.2.2).
/// </summary>
public static class DistinctSopClassFiles
{
    public const string SopClassRoot = "1.2.826.0.1.3680043.10.99.";
    private const string ExplicitVrLittleEndian = "1.2.840.10008.1.2.1";

    /// <summary>Writes <paramref name="count"/> files into <paramref name="folder"/>, of sizes that vary with their index.</summary>
    public static List<Part10FileInfo> Write(string folder, int count)
    {
        var files = new List<Part10FileInfo>(count);
        for (var i = 1; i <= count; i++)
        {
            var path = Path.Combine(folder, $"{i:D4}.dcm");
            File.WriteAllBytes(path, Create($"{SopClassRoot}{i}", $"1.2.826.0.1.3680043.10.98.{i}", padding: 64 * (i % 17)));
            files.Add(Part10FileInfo.Read(path));
        }

        return files;
    }

    private static byte[] Create(string sopClassUid, string sopInstanceUid, int padding)
    {
        var meta = new MemoryStream();
        Element(meta, 0x0002, 0x0001, "OB", [0x00, 0x01]);
        Element(meta, 0x0002, 0x0002, "UI", Uid(sopClassUid));
        Element(meta, 0x0002, 0x0003, "UI", Uid(sopInstanceUid));
        Element(meta, 0x0002, 0x0010, "UI", Uid(ExplicitVrLittleEndian));
        Element(meta, 0x0002, 0x0012, "UI", Uid("1.2.826.0.1.3680043.10.1"));

        var file = new MemoryStream();
        file.Write(new byte[128]);
        file.Write("DICM"u8);
        var groupLength = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(groupLength, (uint)meta.Length);
        Element(file, 0x0002, 0x0000, "UL", groupLength);
        meta.Position = 0;
        meta.CopyTo(file);
        Element(file, 0x0008, 0x0016, "UI", Uid(sopClassUid));
        Element(file, 0x0008, 0x0018, "UI", Uid(sopInstanceUid));
        Element(file, 0x0010, 0x0010, "PN", Text("Doe^Jane"));
        Element(file, 0x0020, 0x000D, "UI", Uid("1.2.826.0.1.3680043.10.97.1"));
        Element(file, 0x0020, 0x000E, "UI", Uid("1.2.826.0.1.3680043.10.97.1.1"));
        Element(file, 0x0009, 0x0010, "LO", Text("PADDING"));
        Element(file, 0x0009, 0x1000, "OB", new byte[padding]);
        return file.ToArray();
    }

    private static byte[] Uid(string uid) => Pad(Encoding.ASCII.GetBytes(uid), 0);

    private static byte[] Text(string text) => Pad(Encoding.ASCII.GetBytes(text), (byte)' ');

    private static byte[] Pad(byte[] value, byte pad) => value.Length % 2 == 0 ? value : [.. value, pad];

    private static void Element(Stream s, ushort group, ushort element, string vr, byte[] value)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(header, group);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], element);
        header[4] = (byte)vr[0];
        header[5] = (byte)vr[1];
        if (vr is "OB")
        {
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
}
