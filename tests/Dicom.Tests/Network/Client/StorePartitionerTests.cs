using ImagingGateway.Dicom.Network.Client;

namespace ImagingGateway.Dicom.Tests.Network.Client;

public class StorePartitionerTests
{
    private const string ExplicitVrLittleEndian = "1.2.840.10008.1.2.1";
    private const string JpegBaseline = "1.2.840.10008.1.2.4.50";

    [Fact]
    public void GivenFilesOfVaryingSizes_WhenSplitOverThreeLanes_ThenEachShareIsWithinOneFileOfAThirdAndTheOrderIsKept()
    {
        var sizes = new long[] { 10, 500, 20, 20, 300, 40, 250, 10, 600, 30, 200, 120 };
        var files = sizes.Select((size, i) => File(i, "1.2.3", ExplicitVrLittleEndian, size)).ToList();

        var shares = StorePartitioner.ByBytes(files, 3);

        Assert.Equal(3, shares.Count);
        Assert.Equal(files, shares.SelectMany(s => s));
        var third = sizes.Sum() / 3.0;
        Assert.All(shares, s => Assert.InRange(s.Sum(f => f.Length), third - sizes.Max(), third + sizes.Max()));
    }

    [Fact]
    public void GivenFewerFilesThanLanes_WhenSplit_ThenNoShareIsEmpty()
    {
        var files = new[] { File(1, "1.2.3", ExplicitVrLittleEndian, 100), File(2, "1.2.3", ExplicitVrLittleEndian, 100) };

        var shares = StorePartitioner.ByBytes(files, 8);

        Assert.Equal(2, shares.Count);
        Assert.All(shares, s => Assert.Single(s));
    }

    [Fact]
    public void Given130ExplicitLittleEndianSopClasses_WhenGroupedByContexts_ThenEachGroupFitsOneAssociationAndEveryFileIsInOne()
    {
        // Each Explicit VR Little Endian file proposes its own syntax and Implicit VR Little Endian: 2 contexts per SOP
        // class, so 63 classes fit one association beside Verification.
        var files = Enumerable.Range(1, 130).Select(i => File(i, $"1.2.826.0.1.3680043.10.99.{i}", ExplicitVrLittleEndian, 100)).ToList();

        var groups = StorePartitioner.ByContexts(files);

        Assert.Equal([63, 63, 4], groups.Select(g => g.Count));
        Assert.Equal(files.Select(f => f.Path), groups.SelectMany(g => g).Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.All(groups, g => Assert.InRange(DicomClient.ProposeContexts(g).Count, 1, DicomClient.MaxPresentationContexts));
    }

    [Fact]
    public void GivenInterleavedSopClasses_WhenGroupedByContexts_ThenFilesOfAClassShareAGroupInTheirOrder()
    {
        // 127 compressed SOP classes fill one association exactly (one context each, and Verification); the 128th opens a second.
        var files = Enumerable.Range(0, 3 * 128).Select(i => File(i, $"1.2.826.0.1.3680043.10.99.{i % 128}", JpegBaseline, 100)).ToList();

        var groups = StorePartitioner.ByContexts(files);

        Assert.Equal(2, groups.Count);
        Assert.Equal(3 * 127, groups[0].Count);
        Assert.All(groups[1], f => Assert.Equal("1.2.826.0.1.3680043.10.99.127", f.SopClassUid));
        Assert.Equal(files.Where(f => f.SopClassUid != "1.2.826.0.1.3680043.10.99.127"), groups[0]);
        Assert.Equal(DicomClient.MaxPresentationContexts, DicomClient.ProposeContexts(groups[0]).Count);
    }

    private static Part10FileInfo File(int index, string sopClassUid, string transferSyntaxUid, long length) =>
        new($"f{index:D4}", sopClassUid, $"1.2.3.4.{index}", transferSyntaxUid, 132, length);
}
