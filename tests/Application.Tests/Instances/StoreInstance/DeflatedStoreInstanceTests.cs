using ImagingGateway.Application.Instances.StoreInstance;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Domain.Batches;

namespace ImagingGateway.Application.Tests.Instances.StoreInstance;

/// <summary>
/// A Deflated Explicit VR Little Endian data set (PS3.5 A.5) is inflated and walked in the store use case itself, before
/// the upload is committed, so the refusals hold whatever the store is (the file system locally, S3 on AWS): over the
/// inflated-size limit is A700 with an Error Comment naming the setting, a cut Deflate stream is C000, and neither
/// leaves an object behind.
/// </summary>
public sealed class DeflatedStoreInstanceTests
{
    [Theory]
    [InlineData(0, 0x0000)]
    [InlineData(-1, 0xA700)]
    public async Task GivenALimitAroundTheInflatedSize_WhenADeflatedDataSetIsStored_ThenOnlyOneOverItIsRefusedWithA700(int belowSize, ushort expectedCode)
    {
        var expected = new DimseStatus(expectedCode);
        var ds = TestDataSet.Instance(Seed.SopUid(1), pixelBytes: 50_000);
        var inflated = ds.ExplicitLittle().Length;
        await using var host = new TestHost(maxInflatedDataSetBytes: inflated + belowSize);

        var result = await StoreInstanceHandlerTests.SendAsync(host, StoreInstanceHandlerTests.Command("assoc-1", Seed.SopUid(1), StoreInstanceHandlerTests.DeflatedExplicitVrLittleEndian), new TrickleStream(ds.Deflated(), maxRead: 1000));

        Assert.Equal(expected, result.Status);
        if (expected == DimseStatus.OutOfResources)
        {
            Assert.Equal($"inflates past Gateway:MaxInflatedDataSetBytes ({inflated - 1})", result.ErrorComment);
            Assert.Empty(host.Store.Keys);
        }
        else
        {
            // The instance, and its open batch's marker.
            Assert.Single(host.Store.Keys, k => k.StartsWith(ObjectKeys.InstancesRoot, StringComparison.Ordinal));
        }

        Assert.Equal(0, host.Store.OpenUploads);
    }

    [Fact]
    public async Task GivenADeflatedDataSetCutShort_WhenStored_ThenC000AndNothingIsStored()
    {
        var deflated = TestDataSet.Instance(Seed.SopUid(1), pixelBytes: 50_000).Deflated();
        await using var host = new TestHost();

        var result = await StoreInstanceHandlerTests.SendAsync(host, StoreInstanceHandlerTests.Command("assoc-1", Seed.SopUid(1), StoreInstanceHandlerTests.DeflatedExplicitVrLittleEndian), new MemoryStream(deflated[..^3]));

        Assert.Equal(DimseStatus.CannotUnderstand, result.Status);
        Assert.StartsWith("data set is not well formed", result.ErrorComment, StringComparison.Ordinal);
        Assert.Empty(host.Store.Keys);
        Assert.Equal(0, host.Store.OpenUploads);
    }
}
