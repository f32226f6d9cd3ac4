using System.Buffers.Binary;
using System.Text;

namespace ImagingGateway.Dicom.Network.Client;

/// <summary>
/// What the SCU needs from a Part 10 file (PS3.10 7.1): SOP class and instance from the file meta information, its
/// transfer syntax, and where the data set starts. Only group 0002 (always Explicit VR Little Endian) is read.
/// </summary>
public sealed record Part10FileInfo(string Path, string SopClassUid, string SopInstanceUid, string TransferSyntaxUid, long DataSetOffset, long Length)
{
    public long DataSetLength => Length - DataSetOffset;

    /// <exception cref="InvalidDataException">Not a Part 10 file, or its meta information lacks a required element.</exception>
    public static Part10FileInfo Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
        Span<byte> header = stackalloc byte[132];
        if (stream.ReadAtLeast(header, 132, throwOnEndOfStream: false) < 132 || !header[128..].SequenceEqual("DICM"u8))
        {
            throw new InvalidDataException($"{path}: no DICM prefix at offset 128; not a DICOM Part 10 file.");
        }

        string? sopClass = null, sopInstance = null, transferSyntax = null;
        Span<byte> element = stackalloc byte[12];
        while (true)
        {
            var at = stream.Position;
            if (stream.ReadAtLeast(element[..8], 8, throwOnEndOfStream: false) < 8)
            {
                stream.Position = at;
                break;
            }

            var group = BinaryPrimitives.ReadUInt16LittleEndian(element);
            if (group != 0x0002)
            {
                stream.Position = at;
                break;
            }

            var tag = BinaryPrimitives.ReadUInt16LittleEndian(element[2..]);
            var vr = Encoding.ASCII.GetString(element.Slice(4, 2));
            long length;
            if (vr is "OB" or "OW" or "OF" or "SQ" or "UT" or "UN" or "UC" or "UR" or "OD" or "OL" or "OV" or "SV" or "UV")
            {
                stream.ReadExactly(element.Slice(8, 4));
                length = BinaryPrimitives.ReadUInt32LittleEndian(element[8..]);
            }
            else
            {
                length = BinaryPrimitives.ReadUInt16LittleEndian(element[6..]);
            }

            if (length > 1024 * 1024 || stream.Position + length > stream.Length)
            {
                throw new InvalidDataException($"{path}: file meta element (0002,{tag:X4}) has an impossible length {length}.");
            }

            if (tag is 0x0002 or 0x0003 or 0x0010)
            {
                var value = new byte[length];
                stream.ReadExactly(value);
                var text = Encoding.ASCII.GetString(value).Trim(' ', '\0');
                switch (tag)
                {
                    case 0x0002: sopClass = text; break;
                    case 0x0003: sopInstance = text; break;
                    default: transferSyntax = text; break;
                }
            }
            else
            {
                stream.Seek(length, SeekOrigin.Current);
            }
        }

        if (string.IsNullOrEmpty(sopClass) || string.IsNullOrEmpty(sopInstance) || string.IsNullOrEmpty(transferSyntax))
        {
            throw new InvalidDataException($"{path}: file meta information lacks Media Storage SOP Class/Instance UID or Transfer Syntax UID.");
        }

        return new Part10FileInfo(path, sopClass, sopInstance, transferSyntax, stream.Position, stream.Length);
    }
}
