using System.Buffers.Binary;

namespace ImagingGateway.Infrastructure.Aws.Tests.S3;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), table-driven and written out here so the tests check the
/// store's checksums against an implementation other than the one it uses.
/// </summary>
public sealed class ReferenceCrc32C
{
    private static readonly uint[] Table = BuildTable();

    private uint _state = 0xFFFFFFFFu;

    public uint Value => _state ^ 0xFFFFFFFFu;

    /// <summary>The value as S3 writes it in <c>x-amz-checksum-crc32c</c>: the four bytes big-endian, in base64.</summary>
    public string Base64
    {
        get
        {
            var bytes = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, Value);
            return Convert.ToBase64String(bytes);
        }
    }

    public static ReferenceCrc32C Of(ReadOnlySpan<byte> data)
    {
        var crc = new ReferenceCrc32C();
        crc.Append(data);
        return crc;
    }

    public static async Task<ReferenceCrc32C> OfAsync(Stream source)
    {
        var crc = new ReferenceCrc32C();
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = await source.ReadAsync(buffer)) > 0)
        {
            crc.Append(buffer.AsSpan(0, n));
        }

        return crc;
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        var c = _state;
        foreach (var b in data)
        {
            c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        }

        _state = c;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
