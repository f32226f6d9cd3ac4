using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ImagingGateway.Application.Tests;

/// <summary>
/// Encodes small data sets for tests (PS3.5 7.1): explicit or implicit VR little endian, elements written in the
/// order given. Only what the tests need; the toolkit's own reader checks what is produced.
/// </summary>
public sealed class TestDataSet
{
    private readonly List<(ushort Group, ushort Element, string Vr, byte[] Value)> _elements = [];

    public static TestDataSet Instance(string sopInstanceUid, string sopClassUid = Seed.CtImageStorage, string? studyUid = Seed.StudyUid, string? seriesUid = Seed.SeriesUid, int pixelBytes = 64)
    {
        var ds = new TestDataSet()
            .Text(0x0008, 0x0005, "CS", "ISO_IR 100")
            .Uid(0x0008, 0x0016, sopClassUid)
            .Uid(0x0008, 0x0018, sopInstanceUid)
            .Text(0x0008, 0x0020, "DA", "20261128")
            .Text(0x0008, 0x0060, "CS", "CT")
            .Text(0x0010, 0x0010, "PN", "Doe^Jane")
            .Text(0x0010, 0x0020, "LO", "PID-1");
        if (studyUid is not null)
        {
            ds.Uid(0x0020, 0x000D, studyUid);
        }

        if (seriesUid is not null)
        {
            ds.Uid(0x0020, 0x000E, seriesUid);
        }

        ds.Text(0x0020, 0x0013, "IS", "1");
        if (pixelBytes > 0)
        {
            var pixels = new byte[pixelBytes];
            for (var i = 0; i < pixels.Length; i++)
            {
                pixels[i] = (byte)(i * 31);
            }

            ds.Bytes(0x7FE0, 0x0010, "OW", pixels);
        }

        return ds;
    }

    public TestDataSet Uid(ushort group, ushort element, string uid) => Add(group, element, "UI", Pad(Encoding.ASCII.GetBytes(uid), 0));

    public TestDataSet Text(ushort group, ushort element, string vr, string text) => Add(group, element, vr, Pad(Encoding.ASCII.GetBytes(text), (byte)' '));

    public TestDataSet Bytes(ushort group, ushort element, string vr, byte[] value) => Add(group, element, vr, Pad(value, 0));

    /// <summary>Puts an element before the others (e.g. a large private element ahead of the UIDs).</summary>
    public TestDataSet Insert(int index, ushort group, ushort element, string vr, byte[] value)
    {
        _elements.Insert(index, (group, element, vr, Pad(value, 0)));
        return this;
    }

    public byte[] ExplicitLittle()
    {
        using var output = new MemoryStream();
        Span<byte> header = stackalloc byte[12];
        foreach (var (group, element, vr, value) in _elements)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header, group);
            BinaryPrimitives.WriteUInt16LittleEndian(header[2..], element);
            header[4] = (byte)vr[0];
            header[5] = (byte)vr[1];
            if (vr is "OB" or "OW" or "OF" or "SQ" or "UT" or "UN" or "UC" or "UR")
            {
                BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 0);
                BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)value.Length);
                output.Write(header[..12]);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)value.Length);
                output.Write(header[..8]);
            }

            output.Write(value);
        }

        return output.ToArray();
    }

    public byte[] ImplicitLittle()
    {
        using var output = new MemoryStream();
        Span<byte> header = stackalloc byte[8];
        foreach (var (group, element, _, value) in _elements)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header, group);
            BinaryPrimitives.WriteUInt16LittleEndian(header[2..], element);
            BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)value.Length);
            output.Write(header);
            output.Write(value);
        }

        return output.ToArray();
    }

    /// <summary>Deflated Explicit VR Little Endian (PS3.5 A.5): the explicit encoding as one raw Deflate stream.</summary>
    public byte[] Deflated()
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(ExplicitLittle());
        }

        return output.ToArray();
    }

    private TestDataSet Add(ushort group, ushort element, string vr, byte[] value)
    {
        _elements.Add((group, element, vr, value));
        return this;
    }

    private static byte[] Pad(byte[] value, byte padding) => value.Length % 2 == 0 ? value : [.. value, padding];
}
