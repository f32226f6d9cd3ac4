using ImagingGateway.Domain.Batches;
using ImagingGateway.Domain.Common;
using ImagingGateway.Domain.Dicom;
using ImagingGateway.Domain.Instances;

namespace ImagingGateway.Domain.Tests.Batches;

public sealed class ImportBatchTests
{
    private static readonly DateTimeOffset Opened = new(2026, 11, 28, 5, 0, 0, TimeSpan.Zero);

    [Fact]
    public void GivenANewBatch_WhenInstancesAreAdded_ThenCountAndBytesFollowAndThePrefixEndsWithSlash()
    {
        var batch = NewBatch();

        batch.Add(Instance(batch, 1, 100));
        batch.Add(Instance(batch, 2, 50));

        Assert.Equal(2, batch.Instances.Count);
        Assert.Equal(150, batch.TotalBytes);
        Assert.EndsWith("/", batch.InputPrefix, StringComparison.Ordinal);
        Assert.All(batch.Instances, i => Assert.StartsWith(batch.InputPrefix, i.ObjectKey, StringComparison.Ordinal));
    }

    [Fact]
    public void GivenTheSameSopInstanceTwice_WhenAdded_ThenItCountsOnceWithTheNewestSize()
    {
        var batch = NewBatch();

        batch.Add(Instance(batch, 1, 100));
        batch.Add(Instance(batch, 1, 120));

        Assert.Equal(120, Assert.Single(batch.Instances).Size);
        Assert.Equal(120, batch.TotalBytes);
    }

    [Fact]
    public void GivenAFileLimit_WhenReached_ThenTheBatchIsFullAndAcceptsNoMore()
    {
        var batch = NewBatch(new BatchLimits(maxFiles: 2));
        batch.Add(Instance(batch, 1, 10));
        Assert.False(batch.IsFull);
        Assert.True(batch.CanAccept(10));

        batch.Add(Instance(batch, 2, 10));

        Assert.True(batch.IsFull);
        Assert.False(batch.CanAccept(1));
    }

    [Fact]
    public void GivenAByteLimit_WhenAnInstanceWouldPassIt_ThenItIsNotAcceptedButOneThatFitsIs()
    {
        var batch = NewBatch(new BatchLimits(maxBytes: 100));
        batch.Add(Instance(batch, 1, 60));

        Assert.False(batch.CanAccept(41));
        Assert.True(batch.CanAccept(40));
        batch.Add(Instance(batch, 2, 40));
        Assert.True(batch.IsFull);
    }

    [Fact]
    public void GivenAnEmptyBatch_WhenAnInstanceLargerThanTheByteLimitArrives_ThenItIsAcceptedAlone()
    {
        var batch = NewBatch(new BatchLimits(maxBytes: 100));

        Assert.True(batch.CanAccept(1_000));
    }

    [Fact]
    public void GivenAClosedBatch_WhenAnInstanceIsAdded_ThenADomainErrorIsThrown()
    {
        var batch = NewBatch();
        batch.Close(Opened.AddMinutes(1));

        Assert.Equal("batchId", Assert.Throws<DomainException>(() => batch.Add(Instance(batch, 1, 1))).Field);
        Assert.False(batch.CanAccept(1));
    }

    [Fact]
    public void GivenAClosedBatch_WhenClosedAgain_ThenTheFirstCloseTimeStays()
    {
        var batch = NewBatch();

        batch.Close(Opened.AddMinutes(1));
        batch.Close(Opened.AddMinutes(2));

        Assert.True(batch.IsClosed);
        Assert.Equal(Opened.AddMinutes(1), batch.ClosedAt);
    }

    [Fact]
    public void GivenAnInstanceOfAnotherBatch_WhenAdded_ThenADomainErrorIsThrown()
    {
        var batch = NewBatch();
        var other = NewBatch(seed: 2);

        Assert.Throws<DomainException>(() => batch.Add(Instance(other, 1, 1)));
    }

    [Fact]
    public void GivenLimitsBelowOne_WhenCreated_ThenTheDomainErrorNamesTheLimit()
    {
        Assert.Equal("maxFiles", Assert.Throws<DomainException>(() => new BatchLimits(maxFiles: 0)).Field);
        Assert.Equal("maxBytes", Assert.Throws<DomainException>(() => new BatchLimits(maxBytes: 0)).Field);
        Assert.Equal((5_000, 10_000_000_000L), (BatchLimits.Default.MaxFiles, BatchLimits.Default.MaxBytes));
    }

    private static ImportBatch NewBatch(BatchLimits? limits = null, byte seed = 1) =>
        new(BatchId.Create(Opened, [0, 0, 0, 0, 0, 0, 0, 0, 0, seed]), AeTitle.Parse("MODALITY"), AeTitle.Parse("GATEWAY"), "assoc-1", Opened, limits ?? BatchLimits.Default);

    private static ReceivedInstance Instance(ImportBatch batch, int n, long size)
    {
        var sop = DicomUid.Parse($"1.2.3.{n}");
        return new ReceivedInstance(
            batch.Id, batch.KeyFor(sop), size, "00", DicomUid.Parse("1.2.840.10008.5.1.4.1.1.2"), sop, DicomUid.Parse("1.2.3"),
            DicomUid.Parse("1.2.3.4"), "20261128", DicomUid.Parse("1.2.840.10008.1.2.1"), batch.CallingAeTitle, batch.CalledAeTitle,
            batch.AssociationId, Opened);
    }
}
