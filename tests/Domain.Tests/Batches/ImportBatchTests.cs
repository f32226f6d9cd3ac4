using ImagingGateway.Domain.Batches;
using ImagingGateway.Domain.Common;
using ImagingGateway.Domain.Dicom;
using ImagingGateway.Domain.Instances;

namespace ImagingGateway.Domain.Tests.Batches;

public sealed class ImportBatchTests
{
    private static readonly DateTimeOffset Opened = new(2026, 11, 28, 5, 0, 0, TimeSpan.Zero);

    [Fact]
    public void GivenAnOpenBatch_WhenTimePassesWithoutAStore_ThenItIsQuietOnlyOnceTheQuietPeriodHasPassedSinceTheLastActivity()
    {
        var batch = NewBatch();
        var quiet = TimeSpan.FromSeconds(30);
        batch.Reserve();
        batch.Touch(Opened.AddSeconds(10));
        batch.Complete(Instance(batch, 1, 100));
        batch.Touch(Opened.AddSeconds(20));

        Assert.Equal(Opened.AddSeconds(20), batch.LastActivityAt);
        Assert.False(batch.IsQuiet(Opened.AddSeconds(49), quiet));
        Assert.True(batch.IsQuiet(Opened.AddSeconds(50), quiet));
    }

    [Fact]
    public void GivenAStoreInFlightOrASealedBatch_WhenLongPastTheQuietPeriod_ThenItIsNotQuiet()
    {
        var inFlight = NewBatch();
        inFlight.Reserve();
        var sealedBatch = NewBatch();
        sealedBatch.Seal();
        var later = Opened.AddHours(1);

        Assert.False(inFlight.IsQuiet(later, TimeSpan.FromSeconds(30)));
        Assert.False(sealedBatch.IsQuiet(later, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void GivenAnEarlierTime_WhenTouched_ThenTheLastActivityDoesNotGoBack()
    {
        var batch = NewBatch();
        batch.Touch(Opened.AddSeconds(5));

        batch.Touch(Opened.AddSeconds(1));

        Assert.Equal(Opened.AddSeconds(5), batch.LastActivityAt);
    }

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
    public void GivenAFileLimit_WhenReached_ThenTheBatchIsSealedAndTakesNoMore()
    {
        var batch = NewBatch(new BatchLimits(maxFiles: 2));
        Store(batch, Instance(batch, 1, 10));
        Assert.True(batch.HasRoomForAnother);
        Assert.False(batch.IsSealed);

        Store(batch, Instance(batch, 2, 10));

        Assert.True(batch.IsSealed);
        Assert.False(batch.HasRoomForAnother);
        Assert.False(batch.TryReserve());
    }

    [Fact]
    public void GivenStoresInFlight_WhenTheyReachTheFileLimit_ThenNoFurtherStoreJoinsAndOnlyTheLastCompletionLetsItBeClaimed()
    {
        var batch = NewBatch(new BatchLimits(maxFiles: 2));

        Assert.True(batch.TryReserve());
        Assert.True(batch.TryReserve());
        Assert.False(batch.TryReserve());
        Assert.True(batch.IsSealed);

        batch.Complete(Instance(batch, 1, 10));
        Assert.False(batch.TryClaimForClose());
        batch.Complete(Instance(batch, 2, 10));
        Assert.True(batch.TryClaimForClose());
        Assert.Equal(0, batch.Pending);
    }

    [Fact]
    public void GivenAByteLimit_WhenTheNextInstanceOfTheLargestSizeSoFarWouldPassIt_ThenThereIsNoRoom()
    {
        var batch = NewBatch(new BatchLimits(maxBytes: 250));

        Store(batch, Instance(batch, 1, 100));
        Assert.True(batch.HasRoomForAnother);
        Store(batch, Instance(batch, 2, 40));

        // 140 + the largest so far (100) = 240 fits; after a third of 100, 240 + 100 does not.
        Assert.Equal(100, batch.LargestInstance);
        Assert.True(batch.HasRoomForAnother);
        Store(batch, Instance(batch, 3, 100));
        Assert.False(batch.HasRoomForAnother);
        Assert.True(batch.IsSealed);
    }

    [Fact]
    public void GivenAnEmptyBatch_WhenAnInstanceLargerThanTheByteLimitArrives_ThenItIsTakenAloneAndSealsTheBatch()
    {
        var batch = NewBatch(new BatchLimits(maxBytes: 100));

        Assert.True(batch.TryReserve());
        batch.Complete(Instance(batch, 1, 1_000));

        Assert.Equal(1_000, batch.TotalBytes);
        Assert.True(batch.IsSealed);
    }

    [Fact]
    public void GivenASealedBatch_WhenClaimedTwice_ThenOnlyTheFirstClaimWinsUntilItIsReleased()
    {
        var batch = NewBatch();
        Store(batch, Instance(batch, 1, 10));
        Assert.False(batch.TryClaimForClose());

        batch.Seal();

        Assert.True(batch.TryClaimForClose());
        Assert.False(batch.TryClaimForClose());
        batch.ReleaseClaim();
        Assert.True(batch.TryClaimForClose());
    }

    [Fact]
    public void GivenNoStoreInFlight_WhenCompleted_ThenADomainErrorIsThrown()
    {
        var batch = NewBatch();

        Assert.Equal("batchId", Assert.Throws<DomainException>(() => batch.Complete(null)).Field);
    }

    [Fact]
    public void GivenTheSameSopInstanceCompletingOutOfOrder_WhenTheEarlierStoreCompletesLast_ThenTheLaterFactsStay()
    {
        var batch = NewBatch();
        var later = Instance(batch, 1, 120) with { ReceivedAt = Opened.AddSeconds(2) };
        var earlier = Instance(batch, 1, 100) with { ReceivedAt = Opened.AddSeconds(1) };

        Store(batch, later);
        Store(batch, earlier);

        Assert.Equal(120, Assert.Single(batch.Instances).Size);
        Assert.Equal(120, batch.TotalBytes);
    }

    [Fact]
    public void GivenAClosedBatch_WhenAnInstanceIsAdded_ThenADomainErrorIsThrown()
    {
        var batch = NewBatch();
        batch.Close(Opened.AddMinutes(1));

        Assert.Equal("batchId", Assert.Throws<DomainException>(() => batch.Add(Instance(batch, 1, 1))).Field);
        Assert.False(batch.TryReserve());
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

    private static void Store(ImportBatch batch, ReceivedInstance instance)
    {
        Assert.True(batch.TryReserve());
        batch.Complete(instance);
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
