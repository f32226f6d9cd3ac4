using System.Text;
using ImagingGateway.Dicom.Tests.Network.Pdus;
using ImagingGateway.Dicom.Tests.Network.TestSupport;
using ImagingGateway.Dicom.Values;

namespace ImagingGateway.Dicom.Tests.Network.Server;

/// <summary>
/// An A-ASSOCIATE-RQ whose calling AE title is not a value of VR AE (PS3.5 6.2) is refused at negotiation with
/// A-ASSOCIATE-RJ permanent, service user, calling AE title not recognized (PS3.8 9.3.4), instead of being accepted
/// and then having every C-STORE fail (issue #24).
/// </summary>
public sealed class DicomServerAeTitleTests
{
    private const int CallingAeOffset = 26;

    public static TheoryData<string> InvalidCallingAeTitles => new()
    {
        "41 42 00 43 44",                                     // NUL inside
        "4d 4f 44 0a 46 4f 52 47 45 44",                      // LF: a forged log line
        "ff ff ff",                                           // outside ASCII (decoded as '?' before the fix)
        "20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20",    // 16 spaces
        "41 5c 42",                                           // backslash
        "1b 5b 33 31 6d 58",                                  // terminal escape
    };

    [Theory]
    [MemberData(nameof(InvalidCallingAeTitles))]
    public async Task GivenAnInvalidCallingAeTitle_WhenAssociating_ThenRejectedPermanentServiceUserCallingAeNotRecognized(string aeHex)
    {
        await using var server = TestServer.Start();
        var request = WithCallingAe(Hex.Parse(aeHex));

        var reply = await DicomServerRobustnessTests.RawExchangeAsync(server.Port, request, stopAfter: 10);

        // PS3.8 9.3.4: type 03, result 1 (permanent), source 1 (service user), reason 3 (calling AE title not recognized).
        Assert.Equal(Hex.Parse("03 00 00000004 00 01 01 03"), reply);
        Assert.Empty(server.Provider.Released);
    }

    [Fact]
    public async Task GivenAValidCallingAeTitlePaddedWithSpaces_WhenAssociating_ThenItIsAccepted()
    {
        await using var server = TestServer.Start();
        var request = WithCallingAe(Encoding.ASCII.GetBytes(" MODALITY-1"));

        var reply = await DicomServerRobustnessTests.RawExchangeAsync(server.Port, request, stopAfter: 6);

        Assert.Equal(0x02, reply[0]);
    }

    [Theory]
    [InlineData("A\nB", "A\\x0AB")]
    [InlineData("A\\B", "A\\x5CB")]
    [InlineData("\u00ffX", "\\xFFX")]
    [InlineData("STORESCU", "STORESCU")]
    public void GivenATitleWithControlCharacters_WhenMadePrintable_ThenNoControlCharacterRemains(string title, string printable)
    {
        Assert.Equal(printable, DicomAeTitleRules.Printable(title));
    }

    /// <summary>echoscu's A-ASSOCIATE-RQ with the calling AE title field (16 bytes, space padded) replaced.</summary>
    private static byte[] WithCallingAe(byte[] title)
    {
        var request = (byte[])PduFixtures.EchoscuAssociateRequest.Clone();
        var field = request.AsSpan(CallingAeOffset, 16);
        field.Fill((byte)' ');
        title.CopyTo(field);
        return request;
    }
}
