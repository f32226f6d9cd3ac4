using ImagingGateway.Application.Batches.CloseAssociationBatches;
using ImagingGateway.Application.Batches.CloseBatch;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Domain.Batches;

namespace ImagingGateway.Application.Tests.Batches.CloseAssociationBatches;

public sealed class CloseAssociationBatchesHandlerTests
{
    [Fact]
    public async Task GivenAnAssociationWithStoredInstances_WhenItEnds_ThenItsBatchIsClosedAndOthersStayOpen()
    {
        await using var host = new TestHost();
        Seed.StoreOne(host, "a1", 1);
        Seed.StoreOne(host, "a1", 2);
        Seed.StoreOne(host, "a2", 3);

        var result = await host.Mediator.Send(new CloseAssociationBatchesCommand("a1", "A-RELEASE"));

        var closed = Assert.Single(result.Batches);
        Assert.Equal(CloseBatchOutcome.Closed, closed.Outcome);
        Assert.Equal(2, closed.InstanceCount);
        Assert.True(host.Store.Exists(closed.ManifestKey!));
        Assert.Equal(1, host.Registry.Count);
    }

    [Fact]
    public async Task GivenAnAssociationThatStoredNothing_WhenItEnds_ThenNothingIsWritten()
    {
        await using var host = new TestHost();
        var reservation = host.Registry.Reserve("a1", Seed.Calling, Seed.Called);
        host.Registry.Complete(reservation, null);

        var result = await host.Mediator.Send(new CloseAssociationBatchesCommand("a1", "A-ABORT"));

        Assert.Equal(CloseBatchOutcome.Empty, Assert.Single(result.Batches).Outcome);
        Assert.DoesNotContain(host.Store.Keys, k => k.StartsWith(ObjectKeys.ManifestsRoot, StringComparison.Ordinal));
        Assert.Equal(0, host.Registry.Count);
    }

    [Fact]
    public async Task GivenAnEmptyAssociationId_WhenSent_ThenValidationNamesAssociationId()
    {
        await using var host = new TestHost();

        var ex = await Assert.ThrowsAsync<RequestValidationException>(async () => await host.Mediator.Send(new CloseAssociationBatchesCommand("", "A-RELEASE")));

        Assert.Equal(nameof(CloseAssociationBatchesCommand.AssociationId), Assert.Single(ex.Failures).Field);
    }
}
