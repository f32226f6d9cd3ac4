using ImagingGateway.Dicom.Values;

namespace ImagingGateway.Dicom.Tests.Values;

public class DicomUidRulesTests
{
    [Theory]
    [InlineData("1.2.840.10008.1.2")]
    [InlineData("0")]
    [InlineData("1.0.2")]
    [InlineData("2.25.202061302730338629090828964764389506989")]
    public void GivenWellFormedUid_WhenValidated_ThenValid(string uid)
    {
        Assert.True(DicomUidRules.IsValid(uid));
        Assert.Null(DicomUidRules.Validate(uid));
    }

    [Theory]
    [InlineData("", "UID is empty")]
    [InlineData("1..2", "UID has an empty component at position 2")]
    [InlineData("1.2.", "UID has an empty component at position 4")]
    [InlineData(".1", "UID has an empty component at position 0")]
    [InlineData("1.02", "UID component at position 2 has a leading zero")]
    [InlineData("1.2a", "UID has an invalid character 'a' at position 3")]
    [InlineData("1.2 ", "UID has padding inside the value at position 3")]
    [InlineData("../../etc/passwd", "UID has an empty component at position 0")]
    public void GivenMalformedUid_WhenValidated_ThenPreciseError(string uid, string error)
    {
        Assert.False(DicomUidRules.IsValid(uid));
        Assert.Equal(error, DicomUidRules.Validate(uid));
    }

    [Fact]
    public void GivenUidOf65Characters_WhenValidated_ThenLengthError()
    {
        var uid = "1." + new string('1', 63);

        Assert.Equal("UID is 65 characters long, more than 64", DicomUidRules.Validate(uid));
        Assert.True(DicomUidRules.IsValid(uid[..64]));
    }

    [Fact]
    public void GivenNulPaddedBytes_WhenDecoded_ThenPaddingRemoved()
    {
        Assert.Equal("1.2.3", DicomUidRules.FromBytes("1.2.3\0"u8));
    }
}
