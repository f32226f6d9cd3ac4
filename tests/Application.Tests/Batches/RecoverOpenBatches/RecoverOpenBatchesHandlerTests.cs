using System.Text.Json;
using ImagingGateway.Application.Batches.CloseAssociationBatches;
using ImagingGateway.Application.Batches.RecoverOpenBatches;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Common.Serialization;
using ImagingGateway.Application.Imports.TriggerImport;
using ImagingGateway.Application.Tests.Instances.StoreInstance;
using ImagingGateway.Domain.Batches;

namespace ImagingGateway.Application.Tests.Batches.RecoverOpenBatches;

public sealed class RecoverOpenBatchesHandlerTests
{
    [Fact]
    public async Task GivenABatchLeftOpenByACrashedProcess_WhenANewProcessRecovers_ThenItsManifestIsRebuiltFromTheFiles()
    {
        await using var crashed = new TestHost();
        await StoreInstanceHandlerTests.StoreAsync(crashed, "assoc-1", 1);
        var second = await StoreInstanceHandlerTests.StoreAsync(crashed, "assoc-1", 2);
        await using var restarted = new TestHost(sharingStoreWith: crashed);
        restarted.Time.Advance(TimeSpan.FromMinutes(10));

        var result = await restarted.Mediator.Send(new RecoverOpenBatchesCommand());

        var recovered = Assert.Single(result.Batches);
        Assert.Equal(second.BatchId, recovered.BatchId);
        Assert.Equal(2, recovered.InstanceCount);
        Assert.Empty(recovered.Skipped);
        var manifest = JsonSerializer.Deserialize(restarted.Store.Read(recovered.ManifestKey!), ApplicationJsonContext.Default.BatchManifest)!;
        Assert.Equal("MODALITY1", manifest.CallingAeTitle);
        Assert.Equal("IMAGINGGW", manifest.CalledAeTitle);
        Assert.Equal("recovery", manifest.CloseReason);
        Assert.Equal([Seed.SopUid(1), Seed.SopUid(2)], manifest.Instances.Select(i => i.SopInstanceUid));
        Assert.All(manifest.Instances, i =>
        {
            Assert.Equal(Seed.StudyUid, i.StudyInstanceUid);
            Assert.Equal(Seed.SeriesUid, i.SeriesInstanceUid);
            Assert.Equal(Seed.CtImageStorage, i.SopClassUid);
            Assert.Equal(Seed.ExplicitVrLittleEndian, i.TransferSyntaxUid);
            Assert.Equal("20261128", i.StudyDate);
        });

        // And the recovered batch imports like any other.
        var triggered = await restarted.Mediator.Send(new TriggerImportCommand(recovered.ManifestKey!));
        Assert.Equal(2, triggered.Input.InstanceCount);
    }

    [Fact]
    public async Task GivenABatchStillOpenInThisProcess_WhenRecovering_ThenItIsLeftAlone()
    {
        await using var host = new TestHost();
        await StoreInstanceHandlerTests.StoreAsync(host, "assoc-1", 1);
        host.Time.Advance(TimeSpan.FromMinutes(10));

        var result = await host.Mediator.Send(new RecoverOpenBatchesCommand());

        Assert.Empty(result.Batches);
        Assert.DoesNotContain(host.Store.Keys, k => k.StartsWith(ObjectKeys.ManifestsRoot, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenARecentBatchOfAnotherProcess_WhenRecoveringWithinTheQuietPeriod_ThenItIsLeftForLater()
    {
        await using var other = new TestHost();
        await StoreInstanceHandlerTests.StoreAsync(other, "assoc-1", 1);
        await using var host = new TestHost(sharingStoreWith: other);
        host.Time.Advance(TimeSpan.FromMinutes(1));

        var early = await host.Mediator.Send(new RecoverOpenBatchesCommand());
        host.Time.Advance(TimeSpan.FromMinutes(5));
        var later = await host.Mediator.Send(new RecoverOpenBatchesCommand());

        Assert.Empty(early.Batches);
        Assert.Single(later.Batches);
    }

    [Fact]
    public async Task GivenClosedBatchesAndOpenOnesOfAnyAge_WhenRecovering_ThenEveryOpenOneIsClosedAndOnlyMarkersAndOpenBatchesAreListed()
    {
        await using var crashed = new TestHost();
        await StoreInstanceHandlerTests.StoreAsync(crashed, "closed", 1);
        await crashed.Mediator.Send(new CloseAssociationBatchesCommand("closed", "A-RELEASE"));
        var old = await StoreInstanceHandlerTests.StoreAsync(crashed, "open-old", 2);
        crashed.Time.Advance(TimeSpan.FromDays(30));
        var recent = await StoreInstanceHandlerTests.StoreAsync(crashed, "open-new", 3);
        await using var restarted = new TestHost(sharingStoreWith: crashed);
        restarted.Time.Advance(TimeSpan.FromMinutes(10));
        while (restarted.Store.ListedPrefixes.TryDequeue(out _))
        {
        }

        var result = await restarted.Mediator.Send(new RecoverOpenBatchesCommand());

        Assert.Equal([Seed.SopUid(2), Seed.SopUid(3)], RecoveredSops(restarted, result).Order(StringComparer.Ordinal));
        string[] openPrefixes = [ObjectKeys.BatchPrefix(BatchId.Parse(old.BatchId!)), ObjectKeys.BatchPrefix(BatchId.Parse(recent.BatchId!))];
        Assert.Equal([ObjectKeys.OpenMarkersRoot, .. openPrefixes], restarted.Store.ListedPrefixes);
        Assert.DoesNotContain(restarted.Store.Keys, k => k.StartsWith(ObjectKeys.OpenMarkersRoot, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenAMarkerThatOutlivedItsClosedBatch_WhenRecovering_ThenItIsDeletedAndNothingIsClosedAgain()
    {
        await using var host = new TestHost();
        var stored = await StoreInstanceHandlerTests.StoreAsync(host, "assoc-1", 1);
        var marker = ObjectKeys.OpenMarker(BatchId.Parse(stored.BatchId!));
        host.Store.FailDeletes = k => k == marker;
        await host.Mediator.Send(new CloseAssociationBatchesCommand("assoc-1", "A-RELEASE"));
        Assert.True(host.Store.Exists(marker));
        host.Store.FailDeletes = null;
        host.Time.Advance(TimeSpan.FromMinutes(10));

        var result = await host.Mediator.Send(new RecoverOpenBatchesCommand());

        Assert.Empty(result.Batches);
        Assert.False(host.Store.Exists(marker));
    }

    [Fact]
    public async Task GivenAMarkerWhoseBatchNeverCommittedAnInstance_WhenRecoveredAfterTheQuietPeriod_ThenTheMarkerIsDeletedWithoutAManifest()
    {
        await using var host = new TestHost();
        var batchId = BatchId.New(host.Time.GetUtcNow());
        host.Store.Put(ObjectKeys.OpenMarker(batchId), "{}"u8.ToArray());
        host.Time.Advance(TimeSpan.FromMinutes(10));

        var recovered = Assert.Single((await host.Mediator.Send(new RecoverOpenBatchesCommand())).Batches);

        Assert.Equal(0, recovered.InstanceCount);
        Assert.Null(recovered.ManifestKey);
        Assert.Empty(host.Store.Keys);
    }

    [Fact]
    public async Task GivenAStrayUnreadableObjectInAnOpenBatch_WhenRecovering_ThenTheOthersAreClosedAndItIsReported()
    {
        await using var crashed = new TestHost();
        var stored = await StoreInstanceHandlerTests.StoreAsync(crashed, "assoc-1", 1);
        var batchId = BatchId.Parse(stored.BatchId);
        var stray = ObjectKeys.BatchPrefix(batchId) + "1.2.3.dcm";
        crashed.Store.Put(stray, "not dicom at all"u8.ToArray());
        await using var restarted = new TestHost(sharingStoreWith: crashed);
        restarted.Time.Advance(TimeSpan.FromMinutes(10));

        var recovered = Assert.Single((await restarted.Mediator.Send(new RecoverOpenBatchesCommand())).Batches);

        Assert.Equal(1, recovered.InstanceCount);
        Assert.StartsWith(stray, Assert.Single(recovered.Skipped), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenACloseThatFailedEarlier_WhenRecovering_ThenItIsRetried()
    {
        await using var host = new TestHost();
        await StoreInstanceHandlerTests.StoreAsync(host, "assoc-1", 1);
        host.Store.FailCommits = k => k.StartsWith(ObjectKeys.ManifestsRoot, StringComparison.Ordinal);
        await Assert.ThrowsAsync<AggregateException>(async () => await host.Mediator.Send(new CloseAssociationBatchesCommand("assoc-1", "A-RELEASE")));
        host.Store.FailCommits = null;

        var result = await host.Mediator.Send(new RecoverOpenBatchesCommand());

        var retried = Assert.Single(result.Batches);
        Assert.True(host.Store.Exists(retried.ManifestKey!));
        Assert.Equal(0, host.Registry.Count);
    }

    [Fact]
    public async Task GivenANegativeQuietPeriod_WhenRecovering_ThenValidationNamesQuietPeriod()
    {
        await using var host = new TestHost();

        var ex = await Assert.ThrowsAsync<RequestValidationException>(async () => await host.Mediator.Send(new RecoverOpenBatchesCommand(QuietPeriod: TimeSpan.FromSeconds(-1))));

        Assert.Equal(nameof(RecoverOpenBatchesCommand.QuietPeriod), Assert.Single(ex.Failures).Field);
    }

    private static IEnumerable<string> RecoveredSops(TestHost host, RecoverOpenBatchesResult result) =>
        result.Batches.SelectMany(b => JsonSerializer.Deserialize(host.Store.Read(b.ManifestKey!), ApplicationJsonContext.Default.BatchManifest)!.Instances)
            .Select(i => i.SopInstanceUid);
}
