using System.Text.Json;
using ImagingGateway.Application.Batches.CloseBatch;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Common.Serialization;
using ImagingGateway.Domain.Batches;

namespace ImagingGateway.Application.Tests.Batches.CloseBatch;

public sealed class CloseBatchHandlerTests
{
    [Fact]
    public async Task GivenAnOpenBatchWithTwoInstances_WhenClosed_ThenTheManifestListsBoth()
    {
        await using var host = new TestHost();
        Seed.StoreOne(host, "a1", 1, size: 10);
        var reservation = host.Registry.Reserve("a1", Seed.Calling, Seed.Called);
        host.Registry.Complete(reservation, Seed.Instance(host, reservation.Batch, 2, size: 20));
        var batchId = reservation.Batch.Id;

        var result = await host.Mediator.Send(new CloseBatchCommand(batchId.Value, "test"));

        Assert.Equal(CloseBatchOutcome.Closed, result.Outcome);
        Assert.Equal($"batches/{batchId}.json", result.ManifestKey);
        var manifest = JsonSerializer.Deserialize(host.Store.Read(result.ManifestKey!), ApplicationJsonContext.Default.BatchManifest)!;
        Assert.Equal(batchId.Value, manifest.BatchId);
        Assert.Equal(ObjectKeys.BatchPrefix(batchId), manifest.InputPrefix);
        Assert.Equal("MODALITY1", manifest.CallingAeTitle);
        Assert.Equal("IMAGINGGW", manifest.CalledAeTitle);
        Assert.Equal("a1", manifest.AssociationId);
        Assert.Equal("test", manifest.CloseReason);
        Assert.Equal([Seed.SopUid(1), Seed.SopUid(2)], manifest.Instances.Select(i => i.SopInstanceUid));
        Assert.Equal([10L, 20L], manifest.Instances.Select(i => i.Size));
        Assert.All(manifest.Instances, i => Assert.Equal(Seed.StudyUid, i.StudyInstanceUid));
        Assert.False(host.Registry.Contains(batchId));
        Assert.True(reservation.Batch.IsClosed);
    }

    [Fact]
    public async Task GivenAVeryLongReason_WhenClosed_ThenTheBatchClosesWithTheReasonShortened()
    {
        await using var host = new TestHost();
        var reservation = host.Registry.Reserve("a1", Seed.Calling, Seed.Called);
        host.Registry.Complete(reservation, Seed.Instance(host, reservation.Batch, 1));

        var result = await host.Mediator.Send(new CloseBatchCommand(reservation.Batch.Id.Value, new string('r', 5000)));

        var manifest = JsonSerializer.Deserialize(host.Store.Read(result.ManifestKey!), ApplicationJsonContext.Default.BatchManifest)!;
        Assert.Equal(new string('r', 200), manifest.CloseReason);
    }

    [Fact]
    public async Task GivenAClosedBatch_WhenClosedAgain_ThenNothingChanges()
    {
        await using var host = new TestHost();
        var reservation = host.Registry.Reserve("a1", Seed.Calling, Seed.Called);
        host.Registry.Complete(reservation, Seed.Instance(host, reservation.Batch, 1));
        var command = new CloseBatchCommand(reservation.Batch.Id.Value, "test");
        await host.Mediator.Send(command);
        var keys = host.Store.Keys;

        var again = await host.Mediator.Send(command);

        Assert.Equal(CloseBatchOutcome.NotOpen, again.Outcome);
        Assert.Equal(keys, host.Store.Keys);
    }

    [Fact]
    public async Task GivenAnUnknownBatch_WhenClosed_ThenItIsANoOp()
    {
        await using var host = new TestHost();

        var result = await host.Mediator.Send(new CloseBatchCommand(host.Get<ImagingGateway.Application.Common.Ports.IIdGenerator>().NewBatchId().Value, "test"));

        Assert.Equal(CloseBatchOutcome.NotOpen, result.Outcome);
        Assert.Empty(host.Store.Keys);
    }

    [Fact]
    public async Task GivenAnEmptyBatch_WhenClosed_ThenNothingIsWritten()
    {
        await using var host = new TestHost();
        var reservation = host.Registry.Reserve("a1", Seed.Calling, Seed.Called);
        host.Registry.Complete(reservation, null);

        var result = await host.Mediator.Send(new CloseBatchCommand(reservation.Batch.Id.Value, "test"));

        Assert.Equal(CloseBatchOutcome.Empty, result.Outcome);
        Assert.Empty(host.Store.Keys);
        Assert.False(host.Registry.Contains(reservation.Batch.Id));
    }

    [Fact]
    public async Task GivenAStoreInFlight_WhenClosed_ThenTheCloseIsDeferred()
    {
        await using var host = new TestHost();
        var reservation = host.Registry.Reserve("a1", Seed.Calling, Seed.Called);

        var result = await host.Mediator.Send(new CloseBatchCommand(reservation.Batch.Id.Value, "test"));

        Assert.Equal(CloseBatchOutcome.Deferred, result.Outcome);
        Assert.Same(reservation.Batch, host.Registry.Complete(reservation, Seed.Instance(host, reservation.Batch, 1)));
    }

    [Fact]
    public async Task GivenAManifestAlreadyStored_WhenClosed_ThenItIsNotRewritten()
    {
        await using var host = new TestHost();
        var reservation = host.Registry.Reserve("a1", Seed.Calling, Seed.Called);
        host.Registry.Complete(reservation, Seed.Instance(host, reservation.Batch, 1));
        var key = ObjectKeys.Manifest(reservation.Batch.Id);
        host.Store.Put(key, "{\"earlier\":true}"u8.ToArray());

        var result = await host.Mediator.Send(new CloseBatchCommand(reservation.Batch.Id.Value, "test"));

        Assert.Equal(CloseBatchOutcome.Closed, result.Outcome);
        Assert.Equal("{\"earlier\":true}"u8.ToArray(), host.Store.Read(key));
    }

    [Fact]
    public async Task GivenTheStoreFailsToWriteTheManifest_WhenClosed_ThenTheErrorPropagatesAndTheBatchCanBeClosedLater()
    {
        await using var host = new TestHost();
        var reservation = host.Registry.Reserve("a1", Seed.Calling, Seed.Called);
        host.Registry.Complete(reservation, Seed.Instance(host, reservation.Batch, 1));
        host.Store.FailCommits = key => key.StartsWith("batches/", StringComparison.Ordinal);

        await Assert.ThrowsAsync<IOException>(async () => await host.Mediator.Send(new CloseBatchCommand(reservation.Batch.Id.Value, "test")));

        Assert.False(host.Store.Exists(ObjectKeys.Manifest(reservation.Batch.Id)));
        Assert.Equal(0, host.Store.OpenUploads);
        Assert.Same(reservation.Batch, Assert.Single(host.Registry.ClaimUnclosed()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("../../etc/passwd")]
    [InlineData("01J0000000000000000000000U")]
    public async Task GivenAMalformedBatchId_WhenClosed_ThenValidationNamesBatchId(string batchId)
    {
        await using var host = new TestHost();

        var ex = await Assert.ThrowsAsync<RequestValidationException>(async () => await host.Mediator.Send(new CloseBatchCommand(batchId, "test")));

        Assert.Contains(ex.Failures, f => f.Field == nameof(CloseBatchCommand.BatchId));
    }
}
