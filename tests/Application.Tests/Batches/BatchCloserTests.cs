using System.Text.Json;
using ImagingGateway.Application.Batches;
using ImagingGateway.Application.Batches.CloseAssociationBatches;
using ImagingGateway.Application.Batches.CloseQuietBatches;
using ImagingGateway.Application.Batches.RecoverOpenBatches;
using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Common.Serialization;
using ImagingGateway.Application.Tests.Instances.StoreInstance;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Domain.Batches;
using Microsoft.Extensions.Logging;

namespace ImagingGateway.Application.Tests.Batches;

/// <summary>
/// A batch that a store fills is closed off that store's answer: the answer waits for the instance's commit only, the
/// close runs in the background, whoever ends batches (release, stop) waits for it, and a close that fails is not lost.
/// </summary>
public sealed class BatchCloserTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task GivenPerInstanceAndAManifestCommitThatIsHeld_WhenAnInstanceIsStored_ThenItIsAnsweredBeforeTheCloseAndStoppingWaitsForTheClose()
    {
        await using var host = new TestHost(GroupingPolicy.PerInstance);
        var manifestCommit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Store.HoldCommits = key => IsManifest(key) ? manifestCommit.Task : null;

        var result = await StoreInstanceHandlerTests.StoreAsync(host, "assoc-1", 1).WaitAsync(Patience);

        Assert.Equal(DimseStatus.Success, result.Status);
        Assert.True(host.Store.Exists(result.ObjectKey!));
        var batchId = BatchId.Parse(result.BatchId);
        Assert.True(host.Store.Exists(ObjectKeys.OpenMarker(batchId)), "the open-batch marker is durable before the answer");
        Assert.False(host.Store.Exists(ObjectKeys.Manifest(batchId)));
        Assert.Equal(1, host.Get<BatchCloser>().InFlight);

        var stopping = host.Mediator.Send(new CloseQuietBatchesCommand(Stopping: true)).AsTask();
        await Task.Delay(200);
        Assert.False(stopping.IsCompleted, "stopping must wait for the close in flight");

        manifestCommit.SetResult();
        await stopping.WaitAsync(Patience);
        Assert.Equal([Seed.SopUid(1)], Manifest(host, batchId).Instances.Select(i => i.SopInstanceUid));
        Assert.Equal("instance stored", Manifest(host, batchId).CloseReason);
        Assert.Equal(1, host.Index.Count);
        Assert.Equal(0, host.Registry.Count);
        Assert.Equal(0, host.Get<BatchCloser>().InFlight);
    }

    [Fact]
    public async Task GivenAFileLimitOfTwoAndAManifestCommitThatIsHeld_WhenTheBatchFillsAndTheAssociationIsReleased_ThenTheReleaseWaitsForTheFullBatchsClose()
    {
        await using var host = new TestHost(maxFiles: 2);
        var manifestCommit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Store.HoldCommits = key => IsManifest(key) ? manifestCommit.Task : null;
        await StoreInstanceHandlerTests.StoreAsync(host, "assoc-1", 1).WaitAsync(Patience);
        var full = await StoreInstanceHandlerTests.StoreAsync(host, "assoc-1", 2).WaitAsync(Patience);

        var release = host.Mediator.Send(new CloseAssociationBatchesCommand("assoc-1", "A-RELEASE")).AsTask();
        await Task.Delay(200);
        Assert.False(release.IsCompleted, "the release must wait for the close its stores started");

        manifestCommit.SetResult();
        await release.WaitAsync(Patience);
        var manifest = Manifest(host, BatchId.Parse(full.BatchId));
        Assert.Equal("batch full", manifest.CloseReason);
        Assert.Equal([Seed.SopUid(1), Seed.SopUid(2)], manifest.Instances.Select(i => i.SopInstanceUid));
        Assert.Equal(0, host.Registry.Count);
    }

    [Fact]
    public async Task GivenAManifestCommitThatFails_WhenABatchIsClosedInTheBackground_ThenTheStoreIsStillAnsweredSuccessAndTheReleaseClosesTheBatch()
    {
        await using var host = new TestHost(GroupingPolicy.PerInstance);
        host.Store.FailCommits = IsManifest;

        var result = await StoreInstanceHandlerTests.StoreAsync(host, "assoc-1", 1);
        await host.Get<BatchCloser>().WaitForClosesAsync(null, CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(DimseStatus.Success, result.Status);
        var batchId = BatchId.Parse(result.BatchId);
        Assert.False(host.Store.Exists(ObjectKeys.Manifest(batchId)));
        Assert.True(host.Registry.Contains(batchId), "a batch whose close failed stays in the registry");
        Assert.Contains(host.Logs.Lines, l => l.Level == LogLevel.Error && l.Message.Contains($"Closing batch {batchId.Value}", StringComparison.Ordinal));

        host.Store.FailCommits = null;
        var closed = await host.Mediator.Send(new CloseAssociationBatchesCommand("assoc-1", "A-RELEASE"));

        Assert.Equal(ObjectKeys.Manifest(batchId), Assert.Single(closed.Batches).ManifestKey);
        Assert.Equal([Seed.SopUid(1)], Manifest(host, batchId).Instances.Select(i => i.SopInstanceUid));
        Assert.False(host.Registry.Contains(batchId));
    }

    [Fact]
    public async Task GivenAProcessThatDiesAfterTheAnswerBeforeTheClose_WhenANewProcessRecovers_ThenTheAcknowledgedInstanceIsClosedIntoAManifest()
    {
        await using var crashed = new TestHost(GroupingPolicy.PerInstance);
        crashed.Store.FailCommits = IsManifest;
        var result = await StoreInstanceHandlerTests.StoreAsync(crashed, "assoc-1", 1);
        await crashed.Get<BatchCloser>().WaitForClosesAsync(null, CancellationToken.None).WaitAsync(Patience);
        Assert.Equal(DimseStatus.Success, result.Status);
        var batchId = BatchId.Parse(result.BatchId);
        Assert.False(crashed.Store.Exists(ObjectKeys.Manifest(batchId)));

        crashed.Store.FailCommits = null;
        await using var restarted = new TestHost(GroupingPolicy.PerInstance, sharingStoreWith: crashed);
        restarted.Time.Advance(TimeSpan.FromMinutes(10));
        var recovered = await restarted.Mediator.Send(new RecoverOpenBatchesCommand());

        Assert.Equal(result.BatchId, Assert.Single(recovered.Batches).BatchId);
        Assert.Equal([Seed.SopUid(1)], Manifest(restarted, batchId).Instances.Select(i => i.SopInstanceUid));
    }

    private static bool IsManifest(string key) => key.StartsWith(ObjectKeys.ManifestsRoot, StringComparison.Ordinal);

    private static BatchManifest Manifest(TestHost host, BatchId batchId) =>
        JsonSerializer.Deserialize(host.Store.Read(ObjectKeys.Manifest(batchId)), ApplicationJsonContext.Default.BatchManifest)!;
}
