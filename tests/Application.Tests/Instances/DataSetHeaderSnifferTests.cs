using ImagingGateway.Application.Instances;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Metadata;

namespace ImagingGateway.Application.Tests.Instances;

/// <summary>Reading a data set's header from the bytes streaming past: when it is decided, and what it keeps meanwhile.</summary>
public sealed class DataSetHeaderSnifferTests
{
    private static readonly TransferSyntax ExplicitLittle = TransferSyntax.Lookup(Seed.ExplicitVrLittleEndian);

    [Fact]
    public void GivenOneLargeFragmentWithTheHeaderInItsFirstBytes_WhenAppended_ThenTheHeaderIsReadWithoutCopyingTheFragment()
    {
        // A C-STORE's first PDV carries the header and then as much pixel data as the PDU holds.
        var dataSet = TestDataSet.Instance(Seed.SopUid(1), pixelBytes: 512 * 1024).ExplicitLittle();
        var sniffer = new DataSetHeaderSniffer(ExplicitLittle);
        sniffer.Append(dataSet.AsSpan(0, 16)); // the first call allocates what any call needs (e.g. the reader's types)
        var before = GC.GetAllocatedBytesForCurrentThread();

        sniffer.Append(dataSet.AsSpan(16));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(HeaderReadStatus.Completed, sniffer.Result?.Status);
        Assert.Equal(Seed.StudyUid, sniffer.Result!.Header!.StudyInstanceUid);
        Assert.Equal(Seed.SeriesUid, sniffer.Result.Header.SeriesInstanceUid);
        Assert.True(allocated < 64 * 1024, $"appending a 512 KiB fragment allocated {allocated} bytes");
    }

    [Fact]
    public void GivenAHeaderPastTheFirstAttempts_WhenItArrivesInOneFragment_ThenTheFirstAttemptPastItReadsIt()
    {
        // A 20 kB element ahead of the UIDs: the attempts at 1, 2, 4, 8 and 16 KiB need more data, the one at 32 KiB
        // (within the fragment, before the end of the data set) has it.
        var dataSet = TestDataSet.Instance(Seed.SopUid(1), pixelBytes: 40_000).Insert(1, 0x0008, 0x0001, "OB", new byte[20_000]).ExplicitLittle();
        var sniffer = new DataSetHeaderSniffer(ExplicitLittle);

        sniffer.Append(dataSet);

        Assert.Equal(HeaderReadStatus.Completed, sniffer.Result?.Status);
        Assert.Equal(Seed.SeriesUid, sniffer.Result!.Header!.SeriesInstanceUid);
    }

    [Fact]
    public void GivenADataSetShorterThanTheFirstAttempt_WhenItEnds_ThenTheHeaderIsDecidedOnlyAtFinish()
    {
        var dataSet = TestDataSet.Instance(Seed.SopUid(1), pixelBytes: 16).ExplicitLittle();
        Assert.True(dataSet.Length < 1024, $"the data set has {dataSet.Length} bytes");
        var sniffer = new DataSetHeaderSniffer(ExplicitLittle);

        sniffer.Append(dataSet);
        var beforeFinish = sniffer.Result;
        var finished = sniffer.Finish();

        Assert.Null(beforeFinish);
        Assert.Equal(HeaderReadStatus.Completed, finished.Status);
        Assert.Equal(Seed.StudyUid, finished.Header!.StudyInstanceUid);
        Assert.Same(finished, sniffer.Finish());
    }

    [Fact]
    public void GivenNoHeaderWithinTheLimit_WhenTheLimitIsReached_ThenItIsInvalidWithAMessageNamingTheLimit()
    {
        var dataSet = TestDataSet.Instance(Seed.SopUid(1)).Insert(1, 0x0008, 0x0001, "OB", new byte[10_000]).ExplicitLittle();
        var sniffer = new DataSetHeaderSniffer(ExplicitLittle, maxHeaderBytes: 5000);

        foreach (var chunk in dataSet.Chunk(700))
        {
            sniffer.Append(chunk);
        }

        Assert.Equal(HeaderReadStatus.Invalid, sniffer.Result?.Status);
        Assert.Contains("not within the first 5000 bytes", sniffer.Result!.Error!.Message);
    }
}
