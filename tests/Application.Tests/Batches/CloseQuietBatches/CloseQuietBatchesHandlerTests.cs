using System.Buffers;
using System.Text.Json;
using ImagingGateway.Application.Batches;
using ImagingGateway.Application.Batches.CloseAssociationBatches;
using ImagingGateway.Application.Batches.CloseBatch;
using ImagingGateway.Application.Batches.CloseQuietBatches;
using ImagingGateway.Application.Batches.RecoverOpenBatches;
using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Common.Serialization;
using ImagingGateway.Application.Instances.StoreInstance;
using ImagingGateway.Application.Tests.Instances.StoreInstance;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Domain.Batches;

namespace ImagingGateway.Application.Tests.Batches.CloseQuietBatches;

/// <summary>The PerCallingAeAndStudy policy: batches shared across associations, closed by a quiet period (issue #27, section 4).</summary>
public sealed class CloseQuietBatchesHandlerTests
{
    private const string OtherStudy = "1.2.826.0.1.3680043.8.498.2";
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task GivenOneAssociationPerImageOfOneStudy_WhenTheQuietPeriodPasses_ThenOneBatchHoldsThemAll()
    {
        await using var host = CoalescingHost();
        var batchIds = new HashSet<string?>();
        for (var n = 1; n <= 5; n++)
        {
            var association = $"assoc-{n}";
            batchIds.Add((await StoreAsync(host, association, "MODALITY1", Seed.StudyUid, n)).BatchId);
            var ended = await host.Mediator.Send(new CloseAssociationBatchesCommand(association, "A-RELEASE"));
            Assert.Empty(ended.Batches);
            host.Time.Advance(TimeSpan.FromSeconds(5));
        }

        host.Time.Advance(Quiet);
        var closed = await host.Mediator.Send(new CloseQuietBatchesCommand());

        var batch = Assert.Single(closed.Batches);
        Assert.Equal(Assert.Single(batchIds), batch.BatchId);
        Assert.Equal(CloseBatchOutcome.Closed, batch.Outcome);
        var manifest = Manifest(host, batch.BatchId);
        Assert.Equal(Enumerable.Range(1, 5).Select(Seed.SopUid), manifest.Instances.Select(i => i.SopInstanceUid).Order(StringComparer.Ordinal));
        Assert.Equal(CloseQuietBatchesHandler.QuietReason, manifest.CloseReason);
        Assert.Equal("assoc-1", manifest.AssociationId);
        Assert.Equal(0, host.Registry.Count);
    }

    [Fact]
    public async Task GivenAStoreWithinTheQuietPeriod_WhenChecked_ThenTheBatchStaysOpenUntilThePeriodPassesAfterTheLastStore()
    {
        await using var host = CoalescingHost();
        await StoreAsync(host, "a1", "MODALITY1", Seed.StudyUid, 1);
        host.Time.Advance(Quiet - TimeSpan.FromSeconds(1));
        await StoreAsync(host, "a2", "MODALITY1", Seed.StudyUid, 2);
        host.Time.Advance(Quiet - TimeSpan.FromSeconds(1));

        var early = await host.Mediator.Send(new CloseQuietBatchesCommand());
        host.Time.Advance(TimeSpan.FromSeconds(1));
        var onTime = await host.Mediator.Send(new CloseQuietBatchesCommand());

        Assert.Empty(early.Batches);
        Assert.Equal(2, Assert.Single(onTime.Batches).InstanceCount);
    }

    [Fact]
    public async Task GivenTwoCallingAesAndTwoStudies_WhenEachSends_ThenEachPairHasItsOwnBatch()
    {
        await using var host = CoalescingHost();
        var a = await StoreAsync(host, "a1", "MODALITY1", Seed.StudyUid, 1);
        var b = await StoreAsync(host, "a2", "MODALITY2", Seed.StudyUid, 2);
        var c = await StoreAsync(host, "a3", "MODALITY1", OtherStudy, 3);
        var d = await StoreAsync(host, "a4", "MODALITY1", Seed.StudyUid, 4);
        host.Time.Advance(Quiet);

        var closed = await host.Mediator.Send(new CloseQuietBatchesCommand());

        Assert.Equal(a.BatchId, d.BatchId);
        Assert.Equal(3, new[] { a.BatchId, b.BatchId, c.BatchId }.Distinct().Count());
        Assert.Equal(3, closed.Batches.Count);
        Assert.Equal("MODALITY2", Manifest(host, b.BatchId!).CallingAeTitle);
        Assert.Equal([OtherStudy], Manifest(host, c.BatchId!).Instances.Select(i => i.StudyInstanceUid));
    }

    [Fact]
    public async Task GivenTheFileLimit_WhenMoreInstancesArrive_ThenFullBatchesCloseAtOnceAndTheRestWaitsForQuiet()
    {
        await using var host = CoalescingHost(maxFiles: 3);
        var results = new List<StoreInstanceResult>();
        for (var n = 1; n <= 7; n++)
        {
            results.Add(await StoreAsync(host, $"assoc-{n}", "MODALITY1", Seed.StudyUid, n));
        }

        // Full batches close in the background, without waiting for quiet.
        await host.Get<BatchCloser>().WaitForClosesAsync(null, CancellationToken.None);
        var full = results.Select(r => r.BatchId!).Distinct().Take(2).ToList();
        Assert.All(full, id => Assert.True(host.Store.Exists(ObjectKeys.Manifest(BatchId.Parse(id)))));
        Assert.Equal([3, 3], full.Select(id => Manifest(host, id).Instances.Count));
        host.Time.Advance(Quiet);
        var last = Assert.Single((await host.Mediator.Send(new CloseQuietBatchesCommand())).Batches);
        Assert.Equal(1, last.InstanceCount);
        Assert.Equal(3, results.Select(r => r.BatchId).Distinct().Count());
    }

    [Fact]
    public async Task GivenOpenBatches_WhenTheGatewayStops_ThenEveryOneIsClosedBeforeItsQuietPeriod()
    {
        await using var host = CoalescingHost();
        await StoreAsync(host, "a1", "MODALITY1", Seed.StudyUid, 1);
        await StoreAsync(host, "a2", "MODALITY1", OtherStudy, 2);

        var closed = await host.Mediator.Send(new CloseQuietBatchesCommand(Stopping: true));

        Assert.Equal(2, closed.Batches.Count);
        Assert.All(closed.Batches, b => Assert.Equal(CloseQuietBatchesHandler.StoppingReason, Manifest(host, b.BatchId).CloseReason));
        Assert.Equal(0, host.Registry.Count);
    }

    [Fact]
    public async Task GivenPerAssociation_WhenAnAssociationIsQuietForLong_ThenItsBatchIsNotClosedByQuiet()
    {
        await using var host = new TestHost(quietPeriod: Quiet);
        await StoreInstanceHandlerTests.StoreAsync(host, "a1", 1);
        host.Time.Advance(TimeSpan.FromHours(1));

        var closed = await host.Mediator.Send(new CloseQuietBatchesCommand());

        Assert.Empty(closed.Batches);
        Assert.Equal(1, host.Registry.Count);
    }

    [Fact]
    public async Task GivenACoalescingBatchLeftOpenByACrash_WhenANewProcessRecovers_ThenEveryAcknowledgedInstanceIsInItsManifest()
    {
        await using var crashed = CoalescingHost();
        var stored = new List<StoreInstanceResult>();
        for (var n = 1; n <= 4; n++)
        {
            stored.Add(await StoreAsync(crashed, $"assoc-{n}", "MODALITY1", Seed.StudyUid, n));
        }

        await using var restarted = new TestHost(GroupingPolicy.PerCallingAeAndStudy, sharingStoreWith: crashed, quietPeriod: Quiet);
        restarted.Time.Advance(TimeSpan.FromMinutes(10));

        var recovered = Assert.Single((await restarted.Mediator.Send(new RecoverOpenBatchesCommand())).Batches);

        Assert.Equal(Assert.Single(stored.Select(s => s.BatchId).Distinct()), recovered.BatchId);
        Assert.Equal(Enumerable.Range(1, 4).Select(Seed.SopUid), Manifest(restarted, recovered.BatchId).Instances.Select(i => i.SopInstanceUid));
        Assert.False(restarted.Store.Exists(ObjectKeys.OpenMarker(BatchId.Parse(recovered.BatchId))));
    }

    [Fact]
    public async Task GivenAnOpenBatch_WhenItsFirstInstanceIsAcknowledged_ThenItsMarkerIsThereUntilTheManifestIsWritten()
    {
        await using var host = CoalescingHost();
        var stored = await StoreAsync(host, "a1", "MODALITY1", Seed.StudyUid, 1);
        var marker = ObjectKeys.OpenMarker(BatchId.Parse(stored.BatchId!));

        Assert.True(host.Store.Exists(marker));
        var content = JsonDocument.Parse(host.Store.Read(marker)).RootElement;
        Assert.Equal(stored.BatchId, content.GetProperty("batchId").GetString());
        Assert.Equal("MODALITY1", content.GetProperty("callingAeTitle").GetString());

        host.Time.Advance(Quiet);
        await host.Mediator.Send(new CloseQuietBatchesCommand());

        Assert.False(host.Store.Exists(marker));
        Assert.True(host.Store.Exists(ObjectKeys.Manifest(BatchId.Parse(stored.BatchId!))));
    }

    [Fact]
    public async Task GivenTheMarkerCannotBeWritten_WhenAnInstanceIsStored_ThenItIsAnsweredA700AndTheNextStoreWritesTheMarker()
    {
        await using var host = CoalescingHost();
        host.Store.FailCommits = k => k.StartsWith(ObjectKeys.OpenMarkersRoot, StringComparison.Ordinal);

        var failed = await SendAsync(host, "a1", "MODALITY1", Seed.StudyUid, 1, segmentSize: 64 * 1024);
        host.Store.FailCommits = null;
        var stored = await StoreAsync(host, "a2", "MODALITY1", Seed.StudyUid, 2);

        Assert.Equal(DimseStatus.OutOfResources, failed.Status);
        Assert.True(host.Store.Exists(ObjectKeys.OpenMarker(BatchId.Parse(stored.BatchId!))));
    }

    [Fact]
    public async Task GivenAHeaderSplitAcrossManySegments_WhenStoredUnderStudyGrouping_ThenTheFileIsWholeAndInTheStudysBatch()
    {
        await using var host = CoalescingHost();
        var dataSet = TestDataSet.Instance(Seed.SopUid(1), pixelBytes: 4096).ExplicitLittle();

        var result = await SendAsync(host, "a1", "MODALITY1", Seed.StudyUid, 1, segmentSize: 7);

        Assert.True(result.IsSuccess, result.Detail);
        var stored = host.Store.Read(result.ObjectKey!);
        Assert.Equal(dataSet, stored[^dataSet.Length..]);
        Assert.Equal(ObjectKeys.Instance(BatchId.Parse(result.BatchId!), Domain.Dicom.DicomUid.Parse(Seed.SopUid(1))), result.ObjectKey);
    }

    [Fact]
    public async Task GivenARefusedDataSet_WhenStoredUnderStudyGrouping_ThenNoBatchOpensAndNothingIsWritten()
    {
        await using var host = CoalescingHost();
        var command = new StoreInstanceCommand("a1", "MODALITY1", "IMAGINGGW", Seed.CtImageStorage, Seed.SopUid(1), Seed.ExplicitVrLittleEndian);
        var noStudy = TestDataSet.Instance(Seed.SopUid(1), studyUid: null).ExplicitLittle();

        var result = await StoreInstanceHandlerTests.SendAsync(host, command, new MemoryStream(noStudy));

        Assert.False(result.IsSuccess);
        Assert.Null(result.BatchId);
        Assert.Equal(0, host.Registry.Count);
        Assert.Empty(host.Store.Keys);
    }

    private static TestHost CoalescingHost(int maxFiles = BatchLimits.DefaultMaxFiles) =>
        new(GroupingPolicy.PerCallingAeAndStudy, maxFiles: maxFiles, quietPeriod: Quiet);

    private static async Task<StoreInstanceResult> StoreAsync(TestHost host, string association, string callingAe, string study, int n)
    {
        var result = await SendAsync(host, association, callingAe, study, n, segmentSize: 64 * 1024);
        Assert.True(result.IsSuccess, result.Detail);
        return result;
    }

    private static async Task<StoreInstanceResult> SendAsync(TestHost host, string association, string callingAe, string study, int n, int segmentSize)
    {
        var command = new StoreInstanceCommand(association, callingAe, "IMAGINGGW", Seed.CtImageStorage, Seed.SopUid(n), Seed.ExplicitVrLittleEndian);
        var dataSet = TestDataSet.Instance(Seed.SopUid(n), studyUid: study, pixelBytes: 4096).ExplicitLittle();
        await using var session = await host.Mediator.Send(command);
        for (var offset = 0; offset < dataSet.Length; offset += segmentSize)
        {
            await session.WriteAsync(new ReadOnlySequence<byte>(dataSet, offset, Math.Min(segmentSize, dataSet.Length - offset)), CancellationToken.None);
        }

        return await session.CompleteAsync(CancellationToken.None);
    }

    private static BatchManifest Manifest(TestHost host, string batchId) =>
        JsonSerializer.Deserialize(host.Store.Read(ObjectKeys.Manifest(BatchId.Parse(batchId))), ApplicationJsonContext.Default.BatchManifest)!;
}
