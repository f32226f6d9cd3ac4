using ImagingGateway.Domain.Batches;

namespace ImagingGateway.Application.Tests.Batches;

public sealed class OpenBatchRegistryTests
{
    [Fact]
    public async Task GivenPerAssociation_WhenOneAssociationStoresThree_ThenAllShareOneOpenBatch()
    {
        await using var host = new TestHost();
        var ids = new HashSet<BatchId>();
        for (var n = 1; n <= 3; n++)
        {
            var reservation = host.Registry.Reserve("a1", Seed.Calling, Seed.Called);
            ids.Add(reservation.Batch.Id);
            Assert.Null(host.Registry.Complete(reservation, Seed.Instance(host, reservation.Batch, n)));
        }

        Assert.Single(ids);
        Assert.True(host.Registry.Contains(ids.Single()));
    }

    [Fact]
    public async Task GivenTwoAssociations_WhenBothStore_ThenEachHasItsOwnBatch()
    {
        await using var host = new TestHost();
        var first = host.Registry.Reserve("a1", Seed.Calling, Seed.Called);
        var second = host.Registry.Reserve("a2", Seed.Calling, Seed.Called);

        Assert.NotEqual(first.Batch.Id, second.Batch.Id);
        Assert.Equal("a1", first.Batch.AssociationId);
        Assert.Equal("a2", second.Batch.AssociationId);
    }

    [Fact]
    public async Task GivenPerInstance_WhenTheStoreCompletes_ThenTheBatchIsReturnedForClosing()
    {
        await using var host = new TestHost(GroupingPolicy.PerInstance);
        var first = host.Registry.Reserve("a1", Seed.Calling, Seed.Called);
        var second = host.Registry.Reserve("a1", Seed.Calling, Seed.Called);

        Assert.NotEqual(first.Batch.Id, second.Batch.Id);
        Assert.Same(first.Batch, host.Registry.Complete(first, Seed.Instance(host, first.Batch, 1)));
    }

    [Fact]
    public async Task GivenAFileLimitOfTwo_WhenFiveAreStored_ThenBatchesOfTwoTwoOneAndTheFullOnesAreClosable()
    {
        await using var host = new TestHost(maxFiles: 2);
        var toClose = new List<ImportBatch>();
        var batches = new HashSet<BatchId>();
        for (var n = 1; n <= 5; n++)
        {
            var reservation = host.Registry.Reserve("a1", Seed.Calling, Seed.Called);
            batches.Add(reservation.Batch.Id);
            if (host.Registry.Complete(reservation, Seed.Instance(host, reservation.Batch, n)) is { } full)
            {
                toClose.Add(full);
            }
        }

        Assert.Equal(3, batches.Count);
        Assert.Equal([2, 2], toClose.Select(b => b.Instances.Count));
        var rest = Assert.Single(host.Registry.EndAssociation("a1"));
        Assert.Single(rest.Instances);
    }

    [Fact]
    public async Task GivenAByteLimit_WhenTheNextInstanceOfTheLargestSizeSoFarWouldNotFit_ThenANewBatchOpens()
    {
        await using var host = new TestHost(maxBytes: 250);
        var sizes = new Dictionary<BatchId, long>();
        for (var n = 1; n <= 4; n++)
        {
            var reservation = host.Registry.Reserve("a1", Seed.Calling, Seed.Called);
            host.Registry.Complete(reservation, Seed.Instance(host, reservation.Batch, n, size: 100));
            sizes[reservation.Batch.Id] = reservation.Batch.TotalBytes;
        }

        // 100 + 100 = 200; a third 100 would make 300 > 250, so batches hold 200 and 200 bytes.
        Assert.Equal([200L, 200L], sizes.Values.Order());
    }

    [Fact]
    public async Task GivenAStoreInFlight_WhenTheAssociationEnds_ThenTheBatchIsClosedByTheLastStore()
    {
        await using var host = new TestHost();
        var done = host.Registry.Reserve("a1", Seed.Calling, Seed.Called);
        host.Registry.Complete(done, Seed.Instance(host, done.Batch, 1));
        var inFlight = host.Registry.Reserve("a1", Seed.Calling, Seed.Called);

        Assert.Empty(host.Registry.EndAssociation("a1"));
        var batch = host.Registry.Complete(inFlight, Seed.Instance(host, inFlight.Batch, 2));

        Assert.NotNull(batch);
        Assert.Equal(2, batch.Instances.Count);
    }

    [Fact]
    public async Task GivenASealedBatch_WhenClaimedTwice_ThenOnlyTheFirstClaimGetsIt()
    {
        await using var host = new TestHost();
        Seed.StoreOne(host, "a1", 1);
        var batch = Assert.Single(host.Registry.EndAssociation("a1"));

        Assert.Null(host.Registry.TryClaimForClose(batch.Id, out var deferred));
        Assert.False(deferred);
        Assert.Empty(host.Registry.ClaimUnclosed());
        host.Registry.ReleaseClaim(batch.Id);
        Assert.Same(batch, Assert.Single(host.Registry.ClaimUnclosed()));
    }

    [Fact]
    public async Task GivenTheSameInstanceStoredTwiceAtOnce_WhenTheEarlierCommitCompletesLast_ThenTheLaterFactsAreKept()
    {
        await using var host = new TestHost();
        var first = host.Registry.Reserve("a1", Seed.Calling, Seed.Called);
        var second = host.Registry.Reserve("a1", Seed.Calling, Seed.Called);
        var earlier = Seed.Instance(host, first.Batch, 1, size: 10);
        host.Time.Advance(TimeSpan.FromMilliseconds(5));
        var later = Seed.Instance(host, second.Batch, 1, size: 20);

        host.Registry.Complete(second, later);
        host.Registry.Complete(first, earlier);

        Assert.Equal(20, Assert.Single(first.Batch.Instances).Size);
    }

    [Fact]
    public async Task GivenACompletedReservation_WhenCompletedAgain_ThenItThrows()
    {
        await using var host = new TestHost();
        var reservation = host.Registry.Reserve("a1", Seed.Calling, Seed.Called);
        host.Registry.Complete(reservation, null);

        Assert.Throws<InvalidOperationException>(() => host.Registry.Complete(reservation, null));
    }

    [Fact]
    public async Task GivenManyAssociationsAtOnce_WhenEachStoresAndEnds_ThenEveryInstanceIsInExactlyOneClosedBatch()
    {
        await using var host = new TestHost(maxFiles: 7);
        const int associations = 16;
        const int perAssociation = 50;
        var closed = new System.Collections.Concurrent.ConcurrentBag<ImportBatch>();
        await Parallel.ForAsync(0, associations, async (a, ct) =>
        {
            var id = $"a{a}";
            await Parallel.ForAsync(0, perAssociation, ct, (n, _) =>
            {
                var reservation = host.Registry.Reserve(id, Seed.Calling, Seed.Called);
                if (host.Registry.Complete(reservation, Seed.Instance(host, reservation.Batch, (a * 1000) + n + 1)) is { } full)
                {
                    closed.Add(full);
                }

                return ValueTask.CompletedTask;
            });
            foreach (var batch in host.Registry.EndAssociation(id))
            {
                closed.Add(batch);
            }
        });

        Assert.Equal(associations * perAssociation, closed.Sum(b => b.Instances.Count));
        Assert.All(closed, b => Assert.InRange(b.Instances.Count, 1, 7));
        Assert.Equal(closed.Count, closed.Select(b => b.Id).Distinct().Count());
    }
}
