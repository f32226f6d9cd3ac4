using ImagingGateway.Application.Batches.CloseBatch;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Imports.TriggerImport;
using ImagingGateway.Domain.Batches;

namespace ImagingGateway.Application.Tests.Imports.TriggerImport;

public sealed class TriggerImportHandlerTests
{
    [Fact]
    public async Task GivenAClosedBatch_WhenTriggered_ThenTheWorkflowStartsWithTheBatchMetadata()
    {
        await using var host = new TestHost();
        var (batchId, manifestKey) = await ClosedBatchAsync(host, 3);

        var result = await host.Mediator.Send(new TriggerImportCommand(manifestKey));

        Assert.False(result.AlreadyStarted);
        var input = Assert.Single(host.Workflow.Inputs);
        Assert.Equal(batchId.Value, input.BatchId);
        Assert.Equal($"{InMemory.InMemoryInstanceStore.Root}{ObjectKeys.BatchPrefix(batchId)}", input.InputS3Uri);
        Assert.EndsWith("/", input.InputS3Uri, StringComparison.Ordinal);
        Assert.Equal($"mem://results-bucket/{batchId}/", input.OutputS3Uri);
        Assert.Equal(Seed.StudyUid, input.StudyInstanceUid);
        Assert.Equal(Seed.SeriesUid, input.SeriesInstanceUid);
        Assert.Equal(Seed.SopUid(1), input.SopInstanceUid);
        Assert.Equal("20261128", input.StudyDate);
        Assert.Equal(3, input.InstanceCount);
        Assert.Equal(300, input.TotalBytes);
        Assert.Null(input.JobId);
    }

    [Fact]
    public async Task GivenTheSameManifestTwice_WhenTriggered_ThenOneExecutionIsStarted()
    {
        await using var host = new TestHost();
        var (_, manifestKey) = await ClosedBatchAsync(host, 1);

        var first = await host.Mediator.Send(new TriggerImportCommand(manifestKey));
        var second = await host.Mediator.Send(new TriggerImportCommand(manifestKey));

        Assert.False(first.AlreadyStarted);
        Assert.True(second.AlreadyStarted);
        Assert.Equal(first.ExecutionId, second.ExecutionId);
        Assert.Single(host.Workflow.Inputs);
    }

    [Fact]
    public async Task GivenNoManifest_WhenTriggered_ThenNotFoundNamesTheKey()
    {
        await using var host = new TestHost();
        var key = ObjectKeys.Manifest(host.Get<ImagingGateway.Application.Common.Ports.IIdGenerator>().NewBatchId());

        var ex = await Assert.ThrowsAsync<NotFoundException>(async () => await host.Mediator.Send(new TriggerImportCommand(key)));

        Assert.Equal(key, ex.Id);
        Assert.Equal(0, host.Workflow.StartCalls);
    }

    [Fact]
    public async Task GivenAMissingAndAResizedObject_WhenTriggered_ThenEachIsNamedAndNothingStarts()
    {
        await using var host = new TestHost();
        var (batchId, manifestKey) = await ClosedBatchAsync(host, 3);
        var missing = ObjectKeys.BatchPrefix(batchId) + Seed.SopUid(2) + ".dcm";
        var resized = ObjectKeys.BatchPrefix(batchId) + Seed.SopUid(3) + ".dcm";
        host.Store.Remove(missing);
        host.Store.Put(resized, new byte[7]);

        var ex = await Assert.ThrowsAsync<InvalidBatchException>(async () => await host.Mediator.Send(new TriggerImportCommand(manifestKey)));

        Assert.Equal(batchId.Value, ex.BatchId);
        Assert.Equal([$"{missing}: missing", $"{resized}: 7 bytes stored, manifest says 100"], ex.Problems);
        Assert.Equal(0, host.Workflow.StartCalls);
    }

    [Fact]
    public async Task GivenAManifestThatIsNotJson_WhenTriggered_ThenTheBatchIsInvalid()
    {
        await using var host = new TestHost();
        var batchId = host.Get<ImagingGateway.Application.Common.Ports.IIdGenerator>().NewBatchId();
        host.Store.Put(ObjectKeys.Manifest(batchId), "not json"u8.ToArray());

        var ex = await Assert.ThrowsAsync<InvalidBatchException>(async () => await host.Mediator.Send(new TriggerImportCommand(ObjectKeys.Manifest(batchId))));

        Assert.Contains("is not a valid batch manifest", Assert.Single(ex.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenAManifestListingAKeyOutsideItsBatch_WhenTriggered_ThenTheKeyIsRejected()
    {
        await using var host = new TestHost();
        var batchId = host.Get<ImagingGateway.Application.Common.Ports.IIdGenerator>().NewBatchId();
        var json = $$"""
            {"batchId":"{{batchId}}","inputPrefix":"x/","instances":[{"key":"dicom/../../secrets.dcm","size":1,
             "sopClassUID":"1.2","sopInstanceUID":"1.2.3","studyInstanceUID":"1.2.4","seriesInstanceUID":"1.2.5"}]}
            """;
        host.Store.Put(ObjectKeys.Manifest(batchId), System.Text.Encoding.UTF8.GetBytes(json));

        var ex = await Assert.ThrowsAsync<InvalidBatchException>(async () => await host.Mediator.Send(new TriggerImportCommand(ObjectKeys.Manifest(batchId))));

        Assert.Equal($"dicom/../../secrets.dcm: not an instance key of batch {batchId}", Assert.Single(ex.Problems));
    }

    [Theory]
    [InlineData("")]
    [InlineData("dicom/2026/11/28/x/1.2.dcm")]
    [InlineData("batches/../etc.json")]
    [InlineData("batches/01J0000000000000000000000U.json")]
    public async Task GivenAKeyThatIsNotAManifest_WhenTriggered_ThenValidationNamesManifestKey(string key)
    {
        await using var host = new TestHost();

        var ex = await Assert.ThrowsAsync<RequestValidationException>(async () => await host.Mediator.Send(new TriggerImportCommand(key)));

        Assert.All(ex.Failures, f => Assert.Equal(nameof(TriggerImportCommand.ManifestKey), f.Field));
    }

    internal static async Task<(BatchId BatchId, string ManifestKey)> ClosedBatchAsync(TestHost host, int instances)
    {
        BatchId batchId = default;
        for (var n = 1; n <= instances; n++)
        {
            var reservation = host.Registry.Reserve("a1", Seed.Calling, Seed.Called);
            host.Registry.Complete(reservation, Seed.Instance(host, reservation.Batch, n));
            batchId = reservation.Batch.Id;
        }

        var closed = await host.Mediator.Send(new CloseBatchCommand(batchId.Value, "test"));
        return (batchId, closed.ManifestKey!);
    }
}
