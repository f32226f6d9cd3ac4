using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Application.Instances;
using ImagingGateway.Application.Tests.Instances.StoreInstance;
using ImagingGateway.Dicom.Metadata;

namespace ImagingGateway.Application.Tests.Instances;

/// <summary>
/// The header of a stored Part 10 file, read with ranged reads that follow one another: one range when the header is
/// near the start, more when a long element comes first, a deflated data set inflated only as far as its header, and a
/// precise answer for a cut file or one deleted meanwhile.
/// </summary>
public sealed class StoredInstanceReaderTests
{
    [Fact]
    public async Task GivenAStoredInstance_WhenItsHeaderIsRead_ThenTheUidsAreThoseSent()
    {
        await using var host = new TestHost();
        var info = await StoreAsync(host, TestDataSet.Instance(Seed.SopUid(1), pixelBytes: 500_000).ExplicitLittle());

        var result = await new StoredInstanceReader(host.Store).ReadHeaderAsync(info, CancellationToken.None);

        Assert.Equal(HeaderReadStatus.Completed, result!.Status);
        Assert.Equal(Seed.SopUid(1), result.Header!.SopInstanceUid);
        Assert.Equal(Seed.SeriesUid, result.Header.SeriesInstanceUid);
    }

    [Fact]
    public async Task GivenALongElementBeforeTheUids_WhenTheHeaderIsRead_ThenItIsFoundPastTheFirstRange()
    {
        await using var host = new TestHost();
        var dataSet = TestDataSet.Instance(Seed.SopUid(1)).Insert(1, 0x0009, 0x0010, "OB", new byte[3 * StoredInstanceReader.FirstRange]).ExplicitLittle();
        var info = await StoreAsync(host, dataSet);

        var result = await new StoredInstanceReader(host.Store).ReadHeaderAsync(info, CancellationToken.None);

        Assert.Equal(HeaderReadStatus.Completed, result!.Status);
        Assert.Equal(Seed.StudyUid, result.Header!.StudyInstanceUid);
    }

    [Fact]
    public async Task GivenADeflatedStoredInstance_WhenItsHeaderIsRead_ThenItIsInflatedAsFarAsTheHeader()
    {
        await using var host = new TestHost();
        var info = await StoreAsync(host, TestDataSet.Instance(Seed.SopUid(1), pixelBytes: 200_000).Deflated(), StoreInstanceHandlerTests.DeflatedExplicitVrLittleEndian);

        var result = await new StoredInstanceReader(host.Store).ReadHeaderAsync(info, CancellationToken.None);

        Assert.Equal(HeaderReadStatus.Completed, result!.Status);
        Assert.Equal(Seed.SopUid(1), result.Header!.SopInstanceUid);
    }

    [Fact]
    public async Task GivenAStoredFileCutInsideItsHeader_WhenItsHeaderIsRead_ThenInvalid()
    {
        await using var host = new TestHost();
        var info = await StoreAsync(host, TestDataSet.Instance(Seed.SopUid(1)).ExplicitLittle());
        host.Store.Put("cut.dcm", host.Store.Read(info.Key)[..300]);

        var result = await new StoredInstanceReader(host.Store).ReadHeaderAsync((await host.Store.GetInfoAsync("cut.dcm", CancellationToken.None))!, CancellationToken.None);

        Assert.Equal(HeaderReadStatus.Invalid, result!.Status);
        Assert.NotNull(result.Error);
    }

    [Fact]
    public async Task GivenAnObjectDeletedMeanwhile_WhenItsHeaderIsRead_ThenNull()
    {
        await using var host = new TestHost();
        var info = await StoreAsync(host, TestDataSet.Instance(Seed.SopUid(1)).ExplicitLittle());
        Assert.True(host.Store.Remove(info.Key));

        Assert.Null(await new StoredInstanceReader(host.Store).ReadHeaderAsync(info, CancellationToken.None));
    }

    private static async Task<StoredObjectInfo> StoreAsync(TestHost host, byte[] dataSet, string transferSyntax = Seed.ExplicitVrLittleEndian)
    {
        var result = await StoreInstanceHandlerTests.SendAsync(host, StoreInstanceHandlerTests.Command("assoc-1", Seed.SopUid(1), transferSyntax), new MemoryStream(dataSet));
        Assert.True(result.IsSuccess, result.Detail);
        return (await host.Store.GetInfoAsync(result.ObjectKey!, CancellationToken.None))!;
    }
}
