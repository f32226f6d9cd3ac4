using ImagingGateway.Application.Batches.CloseBatch;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Imports.TriggerImport;
using ImagingGateway.Application.Tests.Instances.StoreInstance;
using ImagingGateway.Domain.Batches;
using Microsoft.Extensions.Logging;

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
        Assert.Equal(Enumerable.Range(1, 3).Sum(n => host.Store.Read(InstanceKey(batchId, n)).Length), input.TotalBytes);
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
        var missing = InstanceKey(batchId, 2);
        var resized = InstanceKey(batchId, 3);
        var size = host.Store.Read(resized).Length;
        host.Store.Remove(missing);
        host.Store.Put(resized, new byte[7]);

        var ex = await Assert.ThrowsAsync<InvalidBatchException>(async () => await host.Mediator.Send(new TriggerImportCommand(manifestKey)));

        Assert.Equal(batchId.Value, ex.BatchId);
        Assert.Equal([$"{missing}: missing", $"{resized}: 7 bytes stored, manifest says {size}"], ex.Problems);
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

    [Fact]
    public async Task GivenAManifestListingAnotherBatchsObjectsWithoutRetryOf_WhenTriggered_ThenTheyAreRejectedAndWithRetryOfTheyAreImported()
    {
        await using var host = new TestHost();
        var (original, originalKey) = await ClosedBatchAsync(host, 2);
        var manifest = System.Text.Json.JsonSerializer.Deserialize(host.Store.Read(originalKey), ImagingGateway.Application.Common.Serialization.ApplicationJsonContext.Default.BatchManifest)!;
        var retryBatch = host.Get<ImagingGateway.Application.Common.Ports.IIdGenerator>().NewBatchId();
        void Put(string? retryOf) => host.Store.Put(ObjectKeys.Manifest(retryBatch), System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
            manifest with { BatchId = retryBatch.Value, RetryOf = retryOf }, ImagingGateway.Application.Common.Serialization.ApplicationJsonContext.Default.BatchManifest));

        Put(retryOf: null);
        var ex = await Assert.ThrowsAsync<InvalidBatchException>(async () => await host.Mediator.Send(new TriggerImportCommand(ObjectKeys.Manifest(retryBatch))));
        Put(retryOf: "job0001");
        var triggered = await host.Mediator.Send(new TriggerImportCommand(ObjectKeys.Manifest(retryBatch)));

        Assert.Equal($"{InstanceKey(original, 1)}: not an instance key of batch {retryBatch}", ex.Problems[0]);
        Assert.Equal(retryBatch.Value, triggered.BatchId);
        Assert.Equal(host.Store.LocationOf(ObjectKeys.BatchPrefix(original)), triggered.Input.InputS3Uri);
        Assert.EndsWith($"/{retryBatch}/", triggered.Input.OutputS3Uri, StringComparison.Ordinal);
        Assert.Equal(("job0001", 2), (triggered.Input.RetryOf, triggered.Input.InstanceCount));
    }

    [Fact]
    public async Task GivenARetryManifestWhoseInputPrefixIsNoBatchPrefix_WhenTriggered_ThenItIsRejected()
    {
        await using var host = new TestHost();
        var (_, originalKey) = await ClosedBatchAsync(host, 1);
        var manifest = System.Text.Json.JsonSerializer.Deserialize(host.Store.Read(originalKey), ImagingGateway.Application.Common.Serialization.ApplicationJsonContext.Default.BatchManifest)!;
        var retryBatch = host.Get<ImagingGateway.Application.Common.Ports.IIdGenerator>().NewBatchId();
        host.Store.Put(ObjectKeys.Manifest(retryBatch), System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
            manifest with { BatchId = retryBatch.Value, RetryOf = "job0001", InputPrefix = "dicom/" }, ImagingGateway.Application.Common.Serialization.ApplicationJsonContext.Default.BatchManifest));

        var ex = await Assert.ThrowsAsync<InvalidBatchException>(async () => await host.Mediator.Send(new TriggerImportCommand(ObjectKeys.Manifest(retryBatch))));

        Assert.Equal("inputPrefix 'dicom/' of a retry batch is not a batch prefix", Assert.Single(ex.Problems));
        Assert.Empty(host.Workflow.Inputs);
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

    [Fact]
    public async Task GivenSomeObjectsThatAreNotDicom_WhenTriggered_ThenTheImportStartsFromTheFirstValidOneAndTheBadKeysAreLogged()
    {
        await using var host = new TestHost();
        var (batchId, manifestKey) = await ClosedBatchAsync(host, 3);
        var notDicom = InstanceKey(batchId, 1);
        var otherSop = InstanceKey(batchId, 3);
        Overwrite(host, manifestKey, notDicom, new byte[host.Store.Read(notDicom).Length]);
        Overwrite(host, manifestKey, otherSop, await Part10Of(3, Seed.SopUid(9)));

        var result = await host.Mediator.Send(new TriggerImportCommand(manifestKey));

        Assert.False(result.AlreadyStarted);
        var input = Assert.Single(host.Workflow.Inputs);
        Assert.Equal(Seed.SopUid(2), input.SopInstanceUid);
        Assert.Equal(3, input.InstanceCount);
        var warning = Assert.Single(host.Logs.Lines, e => e.Level == LogLevel.Warning && e.Message.Contains(batchId.Value, StringComparison.Ordinal));
        Assert.Contains(notDicom, warning.Message, StringComparison.Ordinal);
        Assert.Contains(otherSop, warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(InstanceKey(batchId, 2), warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenNoObjectThatIsValidDicom_WhenTriggered_ThenTheBatchIsRejectedNamingEveryKey()
    {
        await using var host = new TestHost();
        var (batchId, manifestKey) = await ClosedBatchAsync(host, 2);
        var noMagic = InstanceKey(batchId, 1);
        var badStudy = InstanceKey(batchId, 2);
        var preambleOnly = new byte[host.Store.Read(noMagic).Length];
        Overwrite(host, manifestKey, noMagic, preambleOnly);
        Overwrite(host, manifestKey, badStudy, WithStudyUid(await Part10Of(2, Seed.SopUid(2)), "1.2.826.0.1.3680043.8.498.01"));

        var ex = await Assert.ThrowsAsync<InvalidBatchException>(async () => await host.Mediator.Send(new TriggerImportCommand(manifestKey)));

        Assert.Equal(batchId.Value, ex.BatchId);
        Assert.Equal(3, ex.Problems.Count);
        Assert.Contains("no object of the batch is a valid DICOM file", ex.Problems[0], StringComparison.Ordinal);
        Assert.StartsWith($"{noMagic}: not a DICOM Part 10 file", ex.Problems[1], StringComparison.Ordinal);
        Assert.StartsWith($"{badStudy}: ", ex.Problems[2], StringComparison.Ordinal);
        Assert.Contains("Study Instance UID", ex.Problems[2], StringComparison.Ordinal);
        Assert.Equal(0, host.Workflow.StartCalls);
    }

    [Fact]
    public async Task GivenAHeaderLargerThanTheFirstRange_WhenTriggered_ThenTheHandlerReadsFurtherAndStarts()
    {
        await using var host = new TestHost();
        var (batchId, manifestKey) = await ClosedBatchAsync(host, 1);
        var key = InstanceKey(batchId, 1);
        var big = TestDataSet.Instance(Seed.SopUid(1)).Insert(1, 0x0008, 0x0001, "OB", new byte[200_000]).ExplicitLittle();
        Overwrite(host, manifestKey, key, await Part10Of(1, Seed.SopUid(1), dataSet: big));

        var result = await host.Mediator.Send(new TriggerImportCommand(manifestKey));

        Assert.Equal(Seed.SopUid(1), result.Input.SopInstanceUid);
        Assert.Single(host.Workflow.Inputs);
    }

    internal static async Task<(BatchId BatchId, string ManifestKey)> ClosedBatchAsync(TestHost host, int instances)
    {
        string? batch = null;
        for (var n = 1; n <= instances; n++)
        {
            var stored = await StoreInstanceHandlerTests.StoreAsync(host, "a1", n);
            Assert.True(batch is null || batch == stored.BatchId, "the test expects one batch");
            batch = stored.BatchId;
        }

        var closed = await host.Mediator.Send(new CloseBatchCommand(batch!, "test"));
        return (BatchId.Parse(batch!), closed.ManifestKey!);
    }

    private static string InstanceKey(BatchId batchId, int n) => ObjectKeys.BatchPrefix(batchId) + Seed.SopUid(n) + ".dcm";

    /// <summary>A Part 10 file as StoreInstance writes it, stored through it in a throwaway host.</summary>
    private static async Task<byte[]> Part10Of(int n, string sopInstanceUid, byte[]? dataSet = null)
    {
        await using var scratch = new TestHost();
        dataSet ??= TestDataSet.Instance(sopInstanceUid).ExplicitLittle();
        var result = await StoreInstanceHandlerTests.SendAsync(scratch, StoreInstanceHandlerTests.Command("scratch-" + n, sopInstanceUid), new MemoryStream(dataSet));
        Assert.True(result.IsSuccess, result.Detail);
        return scratch.Store.Read(result.ObjectKey!);
    }

    /// <summary>Overwrites the Study Instance UID (0020,000D) value in place (explicit VR LE, same padded length).</summary>
    private static byte[] WithStudyUid(byte[] file, string uid)
    {
        byte[] tag = [0x20, 0x00, 0x0D, 0x00, (byte)'U', (byte)'I'];
        var at = file.AsSpan().IndexOf(tag);
        Assert.True(at > 0, "no Study Instance UID element");
        var length = BitConverter.ToUInt16(file, at + 6);
        var value = System.Text.Encoding.ASCII.GetBytes(uid.PadRight(length, '\0'));
        Assert.Equal(length, value.Length);
        value.CopyTo(file, at + 8);
        return file;
    }

    /// <summary>Replaces an object and its manifest size, so that only its content differs from what was stored.</summary>
    private static void Overwrite(TestHost host, string manifestKey, string key, byte[] content)
    {
        host.Store.Put(key, content);
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(host.Store.Read(manifestKey))!;
        var entry = manifest["instances"]!.AsArray().Single(i => (string?)i!["key"] == key)!;
        entry["size"] = content.Length;
        host.Store.Put(manifestKey, System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString()));
    }
}
