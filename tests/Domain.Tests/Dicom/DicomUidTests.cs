using ImagingGateway.Domain.Common;
using ImagingGateway.Domain.Dicom;

namespace ImagingGateway.Domain.Tests.Dicom;

public sealed class DicomUidTests
{
    [Theory]
    [InlineData("1.2.840.10008.1.2")] // Implicit VR Little Endian (PS3.6 Annex A)
    [InlineData("1.2.840.10008.5.1.4.1.1.2")] // CT Image Storage
    [InlineData("1.2.840.10008.1.1")] // Verification SOP Class
    [InlineData("2.25.329800735698586629295641978511506172918")] // PS3.5 B.2: a UUID-derived UID
    [InlineData("1.2.840.113619.2.62.994044785528.114289542805")] // PS3.5 9.1 style org root + suffix
    [InlineData("0")] // a single zero is a valid component
    [InlineData("1.0.2")]
    [InlineData("1.2.840.10008.11111111111111111111111111111111111111111111111111")] // 64 characters
    public void GivenAValidUid_WhenParsed_ThenItIsKeptAsIs(string value)
    {
        Assert.True(DicomUid.IsValid(value));
        Assert.Equal(value, DicomUid.Parse(value).Value);
    }

    [Theory]
    [InlineData(null, "missing")]
    [InlineData("", "empty")]
    [InlineData("1.2.840.01", "leading zero")] // PS3.5 9.1: no leading zero in a component of more than one digit
    [InlineData("00", "leading zero")]
    [InlineData("1..2", "empty component")]
    [InlineData(".1.2", "empty component")]
    [InlineData("1.2.", "empty component")]
    [InlineData("1.2.a", "invalid character")]
    [InlineData("1.2.840.10008.1.2 ", "padding")] // padding belongs to the encoding, not the value
    [InlineData("1.2\0", "padding")]
    [InlineData("../../etc/passwd", "empty component")]
    [InlineData("1/../../etc", "invalid character")]
    [InlineData("1.2/3", "invalid character")]
    [InlineData("1.2.840.10008.111111111111111111111111111111111111111111111111111", "more than 64")] // 65 characters
    public void GivenAnInvalidUid_WhenValidated_ThenTheReasonIsGiven(string? value, string reason)
    {
        Assert.False(DicomUid.IsValid(value));
        Assert.Contains(reason, DicomUid.Validate(value), StringComparison.Ordinal);
        Assert.False(DicomUid.TryParse(value, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void GivenAnInvalidUid_WhenParsed_ThenTheDomainErrorNamesTheField()
    {
        var ex = Assert.Throws<DomainException>(() => DicomUid.Parse("1.02", "sopInstanceUID"));

        Assert.Equal("sopInstanceUID", ex.Field);
        Assert.StartsWith("sopInstanceUID: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenTwoUidsWithTheSameValue_WhenCompared_ThenTheyAreEqual()
    {
        Assert.Equal(DicomUid.Parse("1.2.3"), DicomUid.Parse("1.2.3"));
        Assert.NotEqual(DicomUid.Parse("1.2.3"), DicomUid.Parse("1.2.30"));
        Assert.Equal("1.2.3", DicomUid.Parse("1.2.3").ToString());
    }
}
