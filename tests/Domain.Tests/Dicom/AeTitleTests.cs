using ImagingGateway.Domain.Common;
using ImagingGateway.Domain.Dicom;

namespace ImagingGateway.Domain.Tests.Dicom;

public sealed class AeTitleTests
{
    [Theory]
    [InlineData("STORESCP", "STORESCP")]
    [InlineData("ANY-SCP", "ANY-SCP")]
    [InlineData("A", "A")]
    [InlineData("IMAGINGGW", "IMAGINGGW")]
    [InlineData("  PADDED  ", "PADDED")] // PS3.5 6.2: leading and trailing spaces are not significant
    [InlineData("MY AE", "MY AE")] // inner spaces are significant
    [InlineData("0123456789ABCDEF", "0123456789ABCDEF")] // 16 characters
    [InlineData("lower_case.ae!", "lower_case.ae!")]
    public void GivenAValidAeTitle_WhenParsed_ThenItIsTrimmed(string value, string expected)
    {
        Assert.True(AeTitle.IsValid(value));
        Assert.Equal(expected, AeTitle.Parse(value).Value);
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData(" ", "all spaces")] // PS3.5 6.2: a value of only spaces shall not be used
    [InlineData("                ", "all spaces")]
    [InlineData("0123456789ABCDEFG", "more than 16")]
    [InlineData("AE\\TITLE", "U+005C")] // the value delimiter
    [InlineData("AE\tTITLE", "U+0009")]
    [InlineData("AE\nTITLE", "U+000A")]
    [InlineData("AE\u001bTITLE", "U+001B")] // ESC
    [InlineData("ÄRZTE", "U+00C4")] // outside the default repertoire
    [InlineData("AE\u007f", "U+007F")]
    public void GivenAnInvalidAeTitle_WhenValidated_ThenTheReasonIsGiven(string? value, string reason)
    {
        Assert.False(AeTitle.IsValid(value));
        Assert.Contains(reason, AeTitle.Validate(value), StringComparison.Ordinal);
        var ex = Assert.Throws<DomainException>(() => AeTitle.Parse(value, "callingAETitle"));
        Assert.Equal("callingAETitle", ex.Field);
    }
}
