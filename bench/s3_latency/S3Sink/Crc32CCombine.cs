namespace ImagingGateway.Bench.S3Sink;

/// <summary>
/// CRC32C of A ‖ B from the CRCs of A and B and B's length (zlib's crc32_combine over GF(2)), so a multipart
/// object's full-object checksum is known without its bytes.
/// </summary>
internal static class Crc32CCombine
{
    private const uint Polynomial = 0x82F63B78;

    public static uint Combine(uint crc1, uint crc2, long length2)
    {
        if (length2 <= 0)
        {
            return crc1;
        }

        var even = new uint[32];
        var odd = new uint[32];
        odd[0] = Polynomial;
        for (int n = 1, row = 1; n < 32; n++, row <<= 1)
        {
            odd[n] = (uint)row;
        }

        Square(even, odd);
        Square(odd, even);
        do
        {
            Square(even, odd);
            if ((length2 & 1) != 0)
            {
                crc1 = Times(even, crc1);
            }

            length2 >>= 1;
            if (length2 == 0)
            {
                break;
            }

            Square(odd, even);
            if ((length2 & 1) != 0)
            {
                crc1 = Times(odd, crc1);
            }

            length2 >>= 1;
        }
        while (length2 != 0);

        return crc1 ^ crc2;
    }

    private static uint Times(uint[] matrix, uint vector)
    {
        uint sum = 0;
        for (var i = 0; vector != 0; i++, vector >>= 1)
        {
            if ((vector & 1) != 0)
            {
                sum ^= matrix[i];
            }
        }

        return sum;
    }

    private static void Square(uint[] square, uint[] matrix)
    {
        for (var n = 0; n < 32; n++)
        {
            square[n] = Times(matrix, matrix[n]);
        }
    }
}
