using System.Text.Json;
using ImagingGateway.Application.Batches.CloseAssociationBatches;
using ImagingGateway.Application.Batches.CloseBatch;
using ImagingGateway.Application.Batches.RecoverOpenBatches;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Application.Common.Serialization;
using ImagingGateway.Application.Instances;
using ImagingGateway.Application.Instances.GetInstance;
using ImagingGateway.Application.Tests.InMemory;
using ImagingGateway.Application.Tests.Instances.StoreInstance;
using ImagingGateway.Domain.Batches;
using ImagingGateway.Domain.Imports;
using Microsoft.Extensions.Logging;

namespace ImagingGateway.Application.Tests.Instances.GetInstance;

public sealed class GetInstanceHandlerTests
{
    [Fact]
    public async Task GivenAClosedBatch_WhenOneOfItsInstancesIsFetched_ThenTheManifestFactsAndTheStoredLocationAreReturned()
    {
        await using var host = new TestHost();
        var batch = StoreTwo(host, "a1");
        await host.Mediator.Send(new CloseBatchCommand(batch.Id.Value, "test"));

        var dto = await host.Mediator.Send(new GetInstanceQuery(Seed.SopUid(2)));

        Assert.NotNull(dto);
        var key = ObjectKeys.Instance(batch.Id, Domain.Dicom.DicomUid.Parse(Seed.SopUid(2)));
        Assert.Equal(Seed.SopUid(2), dto.SopInstanceUid);
        Assert.Equal(Seed.CtImageStorage, dto.SopClassUid);
        Assert.Equal(Seed.StudyUid, dto.StudyInstanceUid);
        Assert.Equal(Seed.SeriesUid, dto.SeriesInstanceUid);
        Assert.Equal(Seed.ExplicitVrLittleEndian, dto.TransferSyntaxUid);
        Assert.Equal("20261128", dto.StudyDate);
        Assert.Equal(key, dto.ObjectKey);
        Assert.Equal(InMemoryInstanceStore.Root + key, dto.Location);
        Assert.Equal(20, dto.Size);
        Assert.Equal("sha256:" + new string('0', 64), dto.Checksum);
        Assert.Equal(batch.Id.Value, dto.BatchId);
        Assert.Equal(TestHost.Start, dto.ReceivedAt);
        Assert.Equal("MODALITY1", dto.CallingAeTitle);
        Assert.Equal("IMAGINGGW", dto.CalledAeTitle);
        Assert.Null(dto.JobId);
        Assert.Null(dto.JobStatus);
    }

    [Fact]
    public async Task GivenAnOpenBatch_WhenItsInstanceIsFetched_ThenItIsUnknownUntilTheBatchClosesAndThenTheWholeBatchIsRecordedInOneCall()
    {
        await using var host = new TestHost();
        StoreTwo(host, "a1");

        var whileOpen = await host.Mediator.Send(new GetInstanceQuery(Seed.SopUid(1)));
        await host.Mediator.Send(new CloseAssociationBatchesCommand("a1", "A-RELEASE"));
        var afterClose = await host.Mediator.Send(new GetInstanceQuery(Seed.SopUid(1)));

        Assert.Null(whileOpen);
        Assert.NotNull(afterClose);
        Assert.Equal(1, host.Index.RecordCalls);
        Assert.Equal(2, host.Index.Count);
    }

    [Fact]
    public async Task GivenTheBatchHasAnImportJob_WhenAnInstanceIsFetched_ThenTheJobOfThatBatchIsReturned()
    {
        await using var host = new TestHost();
        var batch = StoreTwo(host, "a1");
        await host.Mediator.Send(new CloseBatchCommand(batch.Id.Value, "test"));
        AddJob(host, "job-other-batch", "01JDQ5ZJ3K8X9F7N2B4C6D8E0G", Seed.StudyUid, ImportJobStatus.Completed, minute: 5);
        AddJob(host, "job-1", batch.Id.Value, Seed.StudyUid, ImportJobStatus.InProgress, minute: 1);

        var dto = await host.Mediator.Send(new GetInstanceQuery(Seed.SopUid(1)));

        Assert.Equal("job-1", dto!.JobId);
        Assert.Equal("IN_PROGRESS", dto.JobStatus);
    }

    [Fact]
    public async Task GivenABatchWhoseJobIsFiledUnderTheStudyOfItsFirstInstance_WhenAnInstanceOfAnotherStudyIsFetched_ThenTheJobIsStillFound()
    {
        await using var host = new TestHost();
        var reservation = host.Registry.Reserve("a1", Seed.Calling, Seed.Called);
        var batch = reservation.Batch;
        host.Registry.Complete(reservation, Seed.Instance(host, batch, 1));
        const string otherStudy = "1.2.826.0.1.3680043.8.498.2";
        var second = host.Registry.Reserve("a1", Seed.Calling, Seed.Called);
        host.Registry.Complete(second, Seed.Instance(host, batch, 2) with { StudyInstanceUid = Domain.Dicom.DicomUid.Parse(otherStudy) });
        await host.Mediator.Send(new CloseBatchCommand(batch.Id.Value, "test"));
        AddJob(host, "job-1", batch.Id.Value, Seed.StudyUid, ImportJobStatus.Completed, minute: 1);

        var dto = await host.Mediator.Send(new GetInstanceQuery(Seed.SopUid(2)));

        Assert.Equal(otherStudy, dto!.StudyInstanceUid);
        Assert.Equal("job-1", dto.JobId);
        Assert.Equal("COMPLETED", dto.JobStatus);
    }

    [Fact]
    public async Task GivenAnInstanceSentAgainInALaterBatch_WhenFetched_ThenTheLatestReceptionWins()
    {
        await using var host = new TestHost();
        var first = Seed.StoreOne(host, "a1", 1, size: 10);
        Assert.Null(first);
        await host.Mediator.Send(new CloseAssociationBatchesCommand("a1", "A-RELEASE"));
        var firstBatch = (await host.Mediator.Send(new GetInstanceQuery(Seed.SopUid(1))))!.BatchId;
        host.Time.Advance(TimeSpan.FromMinutes(3));
        Seed.StoreOne(host, "a2", 1, size: 30);
        await host.Mediator.Send(new CloseAssociationBatchesCommand("a2", "A-RELEASE"));

        var dto = await host.Mediator.Send(new GetInstanceQuery(Seed.SopUid(1)));

        Assert.NotEqual(firstBatch, dto!.BatchId);
        Assert.Equal(30, dto.Size);
        Assert.Equal(TestHost.Start.AddMinutes(3), dto.ReceivedAt);
        Assert.Equal(1, host.Index.Count);
    }

    [Fact]
    public async Task GivenTheIndexFails_WhenABatchCloses_ThenTheCloseSucceedsWithItsManifestAndTheFailureIsLogged()
    {
        await using var host = new TestHost();
        var batch = StoreTwo(host, "a1");
        host.Index.FailNextRecord = new IOException("database is locked");

        var result = await host.Mediator.Send(new CloseBatchCommand(batch.Id.Value, "test"));

        Assert.Equal(CloseBatchOutcome.Closed, result.Outcome);
        Assert.True(host.Store.Exists(ObjectKeys.Manifest(batch.Id)));
        Assert.False(host.Registry.Contains(batch.Id));
        Assert.Null(await host.Mediator.Send(new GetInstanceQuery(Seed.SopUid(1))));
        Assert.Contains(host.Logs.Lines, l => l.Level == LogLevel.Error && l.Message.Contains(batch.Id.Value, StringComparison.Ordinal)
            && l.Message.Contains("instance index", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenABatchLeftOpenByACrashedProcess_WhenRecovered_ThenItsInstancesAreIndexed()
    {
        await using var crashed = new TestHost();
        await StoreInstanceHandlerTests.StoreAsync(crashed, "assoc-1", 1);
        var stored = await StoreInstanceHandlerTests.StoreAsync(crashed, "assoc-1", 2);
        await using var restarted = new TestHost(sharingStoreWith: crashed);
        restarted.Time.Advance(TimeSpan.FromMinutes(10));

        await restarted.Mediator.Send(new RecoverOpenBatchesCommand());
        var dto = await restarted.Mediator.Send(new GetInstanceQuery(Seed.SopUid(2)));

        Assert.NotNull(dto);
        Assert.Equal(stored.BatchId, dto.BatchId);
        Assert.Equal(stored.ObjectKey, dto.ObjectKey);
        Assert.Equal(stored.Size, dto.Size);
        Assert.Equal(Seed.StudyUid, dto.StudyInstanceUid);
        Assert.Equal("MODALITY1", dto.CallingAeTitle);
        Assert.Equal(2, restarted.Index.Count);
    }

    [Fact]
    public async Task GivenNoSuchInstance_WhenFetched_ThenNullIsReturned()
    {
        await using var host = new TestHost();

        Assert.Null(await host.Mediator.Send(new GetInstanceQuery(Seed.SopUid(99))));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.02.3")]
    [InlineData("1.2.abc")]
    [InlineData("..")]
    [InlineData("1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24.25.26.27")]
    public async Task GivenAnInvalidUid_WhenFetched_ThenValidationNamesTheField(string uid)
    {
        await using var host = new TestHost();

        var ex = await Assert.ThrowsAsync<RequestValidationException>(async () => await host.Mediator.Send(new GetInstanceQuery(uid)));

        var failure = Assert.Single(ex.Failures);
        Assert.Equal("SopInstanceUid", failure.Field);
        Assert.StartsWith("is not a valid UID: ", failure.Message, StringComparison.Ordinal);
        Assert.Contains("SopInstanceUid", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenAnInstanceWithAJob_WhenSerialized_ThenTheJsonNamesMatchTheManifestAndTheJobTable()
    {
        await using var host = new TestHost();
        var batch = StoreTwo(host, "a1");
        await host.Mediator.Send(new CloseBatchCommand(batch.Id.Value, "test"));
        AddJob(host, "job-1", batch.Id.Value, Seed.StudyUid, ImportJobStatus.Submitted, minute: 1);

        var dto = await host.Mediator.Send(new GetInstanceQuery(Seed.SopUid(1)));
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(dto!, ApplicationJsonContext.Default.InstanceDto));

        string[] expected =
        [
            "sopInstanceUID", "sopClassUID", "studyInstanceUID", "seriesInstanceUID", "transferSyntaxUID", "studyDate",
            "objectKey", "location", "size", "checksum", "batchId", "receivedAt", "callingAeTitle", "calledAeTitle", "jobId", "jobStatus",
            "importOutcome", "commitment",
        ];
        Assert.Equal(expected, doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("job-1", doc.RootElement.GetProperty("jobId").GetString());
        Assert.Equal("SUBMITTED", doc.RootElement.GetProperty("jobStatus").GetString());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("importOutcome").ValueKind);
    }

    [Fact]
    public async Task GivenAnImportedAndAFailedInstance_WhenFetchedAndSerialized_ThenEachCarriesItsOutcomeUnderItsJsonNames()
    {
        await using var host = new TestHost();
        var batch = StoreTwo(host, "a1");
        await host.Mediator.Send(new CloseBatchCommand(batch.Id.Value, "test"));
        AddJob(host, "job-1", batch.Id.Value, Seed.StudyUid, ImportJobStatus.Completed, minute: 1);
        var at = TestHost.Start.AddMinutes(2);
        await host.Index.RecordOutcomesAsync(
            [
                new InstanceImportOutcome(Seed.SopUid(1), batch.Id.Value, "job-1", InstanceImportStatus.Imported, "set1", "2", null, at),
                new InstanceImportOutcome(Seed.SopUid(2), batch.Id.Value, "job-1", InstanceImportStatus.Failed, null, null, "unsupported transfer syntax", at),
            ],
            CancellationToken.None);

        var imported = await host.Mediator.Send(new GetInstanceQuery(Seed.SopUid(1)));
        var failed = await host.Mediator.Send(new GetInstanceQuery(Seed.SopUid(2)));
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(imported!, ApplicationJsonContext.Default.InstanceDto));

        Assert.Equal(new ImportOutcomeDto { Status = "IMPORTED", JobId = "job-1", ImageSetId = "set1", ImageSetVersion = "2", RecordedAt = at }, imported!.ImportOutcome);
        Assert.Equal(new ImportOutcomeDto { Status = "FAILED", JobId = "job-1", FailureReason = "unsupported transfer syntax", RecordedAt = at }, failed!.ImportOutcome);
        var outcome = doc.RootElement.GetProperty("importOutcome");
        Assert.Equal(["status", "jobId", "imageSetId", "imageSetVersion", "failureReason", "recordedAt"], outcome.EnumerateObject().Select(p => p.Name));
        Assert.Equal("IMPORTED", outcome.GetProperty("status").GetString());
        Assert.Equal("set1", outcome.GetProperty("imageSetId").GetString());
        Assert.Equal("2", outcome.GetProperty("imageSetVersion").GetString());
    }

    /// <summary>Two instances (10 and 20 bytes) in one open batch of <paramref name="association"/>.</summary>
    internal static ImportBatch StoreTwo(TestHost host, string association)
    {
        var first = host.Registry.Reserve(association, Seed.Calling, Seed.Called);
        host.Registry.Complete(first, Seed.Instance(host, first.Batch, 1, size: 10));
        var second = host.Registry.Reserve(association, Seed.Calling, Seed.Called);
        host.Registry.Complete(second, Seed.Instance(host, second.Batch, 2, size: 20));
        Assert.Same(first.Batch, second.Batch);
        return first.Batch;
    }

    internal static void AddJob(TestHost host, string jobId, string batchId, string study, ImportJobStatus status, int minute) =>
        host.Jobs.Overwrite(new ImportJobSnapshot(
            jobId, status, TestHost.Start.AddMinutes(minute), "mem://in/", "mem://out/", "datastore1", "role", "20261128",
            study, Seed.SeriesUid, Seed.SopUid(1), status.IsTerminal() ? TestHost.Start.AddMinutes(minute + 1) : null, null, batchId, 2, 30));
}
