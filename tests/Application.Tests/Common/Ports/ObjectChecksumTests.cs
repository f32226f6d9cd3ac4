using System.Security.Cryptography;
using System.Text;
using ImagingGateway.Application.Common.Ports;

namespace ImagingGateway.Application.Tests.Common.Ports;

public sealed class ObjectChecksumTests
{
    [Fact]
    public void GivenASha256Digest_WhenFormatted_ThenItIsTheAlgorithmAndTheLowercaseHex()
    {
        var digest = SHA256.HashData(Encoding.ASCII.GetBytes("abc"));

        // FIPS 180-2's example digest of "abc".
        Assert.Equal("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ObjectChecksum.Sha256(digest));
    }

    [Fact]
    public void GivenADigestThatIsNot32Bytes_WhenFormattedAsSha256_ThenTheErrorSaysSo()
    {
        var e = Assert.Throws<ArgumentException>(() => ObjectChecksum.Sha256(new byte[20]));

        Assert.Contains("32 bytes, not 20", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x2D06800538D394C2UL, "xxh3:2d06800538d394c2")]
    [InlineData(0x5UL, "xxh3:0000000000000005")]
    public void GivenAnXxh3Value_WhenFormatted_ThenItIsSixteenLowercaseHexDigits(ulong value, string expected)
    {
        Assert.Equal(expected, ObjectChecksum.Xxh3(value));
    }
}
