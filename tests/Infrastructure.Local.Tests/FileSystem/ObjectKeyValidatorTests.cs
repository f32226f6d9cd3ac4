using ImagingGateway.Infrastructure.Local.FileSystem;

namespace ImagingGateway.Infrastructure.Local.Tests.FileSystem;

public class ObjectKeyValidatorTests
{
    [Theory]
    [InlineData("dicom/2026/11/28/01JDQ5ZJ3K8X9F7N2B4C6D8E0G/1.2.3.4.dcm")]
    [InlineData("batches/01JDQ5ZJ3K8X9F7N2B4C6D8E0G.json")]
    [InlineData("a")]
    [InlineData("a_b-c.d/e")]
    public void GivenSafeKey_WhenValidating_ThenItIsAccepted(string key) =>
        Assert.Null(ObjectKeyValidator.Validate(key));

    [Theory]
    [InlineData("")]
    [InlineData("/etc/passwd")]
    [InlineData("../outside")]
    [InlineData("dicom/../../outside")]
    [InlineData("dicom/./x")]
    [InlineData("dicom//x")]
    [InlineData("dicom\\x")]
    [InlineData("dicom/x/")]
    [InlineData(".incoming/abc.tmp")]
    [InlineData("dicom/x y")]
    [InlineData("dicom/x:y")]
    [InlineData("dicom/\u00e9")]
    [InlineData("dicom/x\0y")]
    public void GivenHostileKey_WhenValidating_ThenItIsRejectedWithAReason(string key) =>
        Assert.NotNull(ObjectKeyValidator.Validate(key));

    [Theory]
    [InlineData("")]
    [InlineData("dicom/")]
    [InlineData("dicom/20")]
    public void GivenPrefix_WhenValidating_ThenPartialLastSegmentIsAccepted(string prefix) =>
        Assert.Null(ObjectKeyValidator.ValidatePrefix(prefix));

    [Theory]
    [InlineData("../")]
    [InlineData("/dicom/")]
    [InlineData("dicom//")]
    public void GivenHostilePrefix_WhenValidating_ThenItIsRejected(string prefix) =>
        Assert.NotNull(ObjectKeyValidator.ValidatePrefix(prefix));
}
