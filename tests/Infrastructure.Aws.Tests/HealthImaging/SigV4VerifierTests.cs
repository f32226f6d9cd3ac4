using System.Security.Cryptography;
using System.Text;
using ImagingGateway.Infrastructure.Aws.Tests.Emulators;

namespace ImagingGateway.Infrastructure.Aws.Tests.HealthImaging;

/// <summary>The test server's own SigV4 recomputation, checked against AWS's published get-vanilla vector.</summary>
public sealed class SigV4VerifierTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly string EmptyHash = Convert.ToHexStringLower(SHA256.HashData([]));

    private static readonly SigV4Verifier.Request GetVanilla = new(
        "GET",
        "/",
        string.Empty,
        [new("Host", "example.amazonaws.com"), new("X-Amz-Date", "20150830T123600Z")],
        []);

    [Fact]
    public void GivenGetVanilla_WhenCanonicalised_ThenTheStringToSignHashesAsPublished()
    {
        var canonical = SigV4Verifier.CanonicalRequest(GetVanilla, ["host", "x-amz-date"], EmptyHash);

        Assert.Equal("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash, canonical);
        var stringToSign = SigV4Verifier.StringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", canonical);
        Assert.EndsWith("\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63", stringToSign, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenGetVanilla_WhenSigned_ThenTheSignatureIsThePublishedOne()
    {
        var signature = SigV4Verifier.Sign(GetVanilla, Secret, "20150830", "us-east-1", "service", "20150830T123600Z", ["host", "x-amz-date"], EmptyHash);

        Assert.Equal("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", signature);
    }

    [Fact]
    public void GivenGetVanillaAuthorization_WhenVerified_ThenValidAndATamperedOneIsNot()
    {
        var at = new DateTimeOffset(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);
        var authorization = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
        var signed = GetVanilla with { Headers = [.. GetVanilla.Headers, new("Authorization", authorization)] };
        var tampered = signed with { RawPath = "/other" };

        Assert.Null(SigV4Verifier.Verify(signed, "AKIDEXAMPLE", Secret, "us-east-1", "service", at));
        Assert.NotNull(SigV4Verifier.Verify(tampered, "AKIDEXAMPLE", Secret, "us-east-1", "service", at));
        Assert.NotNull(SigV4Verifier.Verify(signed, "AKIDEXAMPLE", Secret, "us-east-1", "medical-imaging", at));
        Assert.NotNull(SigV4Verifier.Verify(signed with { Body = Encoding.UTF8.GetBytes("x") }, "AKIDEXAMPLE", Secret, "us-east-1", "service", at));
    }
}
