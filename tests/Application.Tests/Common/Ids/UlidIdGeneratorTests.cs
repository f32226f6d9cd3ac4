using ImagingGateway.Application.Common.Ids;
using ImagingGateway.Domain.Batches;
using Microsoft.Extensions.Time.Testing;

namespace ImagingGateway.Application.Tests.Common.Ids;

public sealed class UlidIdGeneratorTests
{
    [Fact]
    public void GivenTheClock_WhenIdsAreMade_ThenBatchIdsCarryItsTimeAndAllIdsAreDistinct()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 5, 50, 0, TimeSpan.Zero));
        var ids = new UlidIdGenerator(time);

        var batches = Enumerable.Range(0, 1000).Select(_ => ids.NewBatchId()).ToList();
        var associations = Enumerable.Range(0, 1000).Select(_ => ids.NewAssociationId()).ToList();

        Assert.All(batches, b => Assert.Equal(time.GetUtcNow(), b.Timestamp));
        Assert.Equal(1000, batches.Distinct().Count());
        Assert.Equal(1000, associations.Distinct().Count());
        Assert.All(associations, a => Assert.True(BatchId.TryParse(a, out _)));
    }
}
