using ImagingGateway.Dicom.Dictionary;

namespace ImagingGateway.Dicom.Tests.Dictionary;

public class TransferSyntaxTests
{
    [Theory]
    [InlineData("1.2.840.10008.1.2", false, true, false, false)]
    [InlineData("1.2.840.10008.1.2.1", true, true, false, false)]
    [InlineData("1.2.840.10008.1.2.2", true, false, false, false)]
    [InlineData("1.2.840.10008.1.2.1.99", true, true, false, true)]
    [InlineData("1.2.840.10008.1.2.4.50", true, true, true, false)]
    [InlineData("1.2.840.10008.1.2.4.90", true, true, true, false)]
    [InlineData("1.2.840.10008.1.2.5", true, true, true, false)]
    [InlineData("1.2.840.10008.1.2.4.80", true, true, true, false)]
    public void GivenKnownUid_WhenLookedUp_ThenEncodingFlagsFollowPs35(string uid, bool explicitVr, bool littleEndian, bool encapsulated, bool deflated)
    {
        var ts = TransferSyntax.Lookup(uid);

        Assert.True(ts.IsKnown);
        Assert.Equal(explicitVr, ts.IsExplicitVr);
        Assert.Equal(littleEndian, ts.IsLittleEndian);
        Assert.Equal(encapsulated, ts.IsEncapsulated);
        Assert.Equal(deflated, ts.IsDeflated);
    }

    [Fact]
    public void GivenUnknownUid_WhenLookedUp_ThenTreatedAsExplicitLittleEndianEncapsulated()
    {
        var ts = TransferSyntax.Lookup("1.2.3.4.5");

        Assert.False(ts.IsKnown);
        Assert.True(ts.IsExplicitVr);
        Assert.True(ts.IsLittleEndian);
        Assert.True(ts.IsEncapsulated);
    }

    [Fact]
    public void GivenStorageClasses_WhenQueried_ThenCtIsStorageAndVerificationIsNot()
    {
        Assert.True(SopClasses.IsStorage(SopClasses.CTImageStorage.Value));
        Assert.True(SopClasses.IsStorage("1.2.840.10008.5.1.4.1.1.4"));
        Assert.False(SopClasses.IsStorage(SopClasses.Verification.Value));
        Assert.False(SopClasses.IsStorage(SopClasses.StorageCommitmentPushModel.Value));
        Assert.Equal("1.2.840.10008.1.1", SopClasses.Verification.Value);
        Assert.True(SopClasses.Storage.Count > 150);
    }
}
