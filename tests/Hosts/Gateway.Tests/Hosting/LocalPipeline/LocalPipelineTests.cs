using System.Diagnostics;
using System.Text.Json;
using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Application.Common.Serialization;
using ImagingGateway.Domain.Batches;
using ImagingGateway.Domain.Dicom;
using ImagingGateway.Domain.Imports;
using ImagingGateway.Gateway.Configuration;
using ImagingGateway.Gateway.Hosting;
using ImagingGateway.Gateway.Tests.Support;
using ImagingGateway.Infrastructure.Local;
using ImagingGateway.Infrastructure.Local.FileSystem;
using ImagingGateway.Infrastructure.Local.Sqlite;
using ImagingGateway.Infrastructure.Local.Tests.TestSupport;
using ImagingGateway.Infrastructure.Local.Workflow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ImagingGateway.Gateway.Tests.Hosting.LocalPipeline;

/// <summary>
/// The whole embedded pipeline as <see cref="GatewayComposition.AddPipeline"/> composes it, with the real use cases and
/// without the DICOM and HTTP ports: a manifest committed to the file system store raises the event, the host's
/// dispatcher triggers the import, the in-process workflow starts the local imaging job and polls it, and the SQLite
/// job table ends COMPLETED with the result counts.
/// </summary>
public sealed class LocalPipelineTests : IAsyncLifetime
{
    private const string Study = "1.2.826.0.1.3680043.10.9.2";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _temp = new();
    private ServiceProvider? _provider;
    private List<IHostedService> _hosted = [];

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit v2 disposes a test class through IAsyncLifetime; it never calls IAsyncDisposable.DisposeAsync.
    public async Task DisposeAsync()
    {
        await StopAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    [Fact]
    public async Task GivenBatchWithTwoSeriesAndABadFile_WhenItsManifestIsCommitted_ThenTheJobCompletesWithTheCountsInTheTable()
    {
        await StartAsync();
        var store = _provider!.GetRequiredService<IInstanceStore>();
        var batchId = BatchId.New(DateTimeOffset.UtcNow);
        var instances = new List<BatchManifestInstance>();
        for (var i = 1; i <= 4; i++)
        {
            var series = $"{Study}.{(i % 2) + 1}";
            instances.Add(await PutInstanceAsync(store, batchId, $"{series}.{i}", series, TestDicomFiles.Create($"{series}.{i}", Study, series)));
        }

        instances.Add(await PutInstanceAsync(store, batchId, $"{Study}.9.9", $"{Study}.9", TestDicomFiles.Truncated($"{Study}.9.9", Study, $"{Study}.9")));
        await PutManifestAsync(store, batchId, instances);

        var job = await WaitForTerminalJobAsync(batchId.Value);

        Assert.Equal(ImportJobStatus.Completed, job.Status);
        Assert.Equal(5, job.Snapshot.InstanceCount);
        Assert.Equal(Study, job.Snapshot.StudyInstanceUid);
        Assert.StartsWith("imported 4 of 5 files; 1 failed", job.Message, StringComparison.Ordinal);
        Assert.Contains($"{Study}.9.9.dcm", job.Message, StringComparison.Ordinal);
        var workflow = _provider!.GetRequiredService<InProcessImportWorkflow>();
        var execution = await workflow.WaitForCompletionAsync(batchId.Value, Timeout, default);
        Assert.Equal(WorkflowStates.Succeeded, execution.Status);

        var results = await _provider!.GetRequiredService<IImagingService>().ReadJobResultsAsync(
            job.Snapshot.DatastoreId, job.JobId, job.Snapshot.OutputS3Uri, default);
        Assert.Equal(2, results.ImageSets.Count);
        Assert.All(results.ImageSets, s => Assert.Equal(2, s.SopInstanceUids.Count));
    }

    [Fact]
    public async Task GivenManifestCommittedWhileTheProcessWasDown_WhenThePipelineStarts_ThenTheLostEventIsRecoveredAndImported()
    {
        // The manifest lands in the folder with no dispatcher listening (its event is lost with the process).
        var batchId = BatchId.New(DateTimeOffset.UtcNow);
        var options = Options();
        using (var offline = new FileSystemInstanceStore(options.Storage))
        {
            var series = $"{Study}.1";
            var instance = await PutInstanceAsync(offline, batchId, $"{series}.1", series, TestDicomFiles.Create($"{series}.1", Study, series));
            await PutManifestAsync(offline, batchId, [instance]);
        }

        await StartAsync();
        var job = await WaitForTerminalJobAsync(batchId.Value);

        Assert.Equal(ImportJobStatus.Completed, job.Status);
        Assert.Equal("imported 1 of 1 files", job.Message);
    }

    private LocalOptions Options()
    {
        var options = new LocalOptions { DataDirectory = _temp.Path };
        options.Workflow.WaitInterval = TimeSpan.FromMilliseconds(100);
        return options.Resolve();
    }

    private async Task StartAsync()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"{GatewayComposition.LocalSectionName}:Workflow:WaitInterval"] = "00:00:00.100" })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        GatewayComposition.AddPipeline(services, configuration, new GatewayOptions { DataDirectory = _temp.Path });
        _provider = services.BuildServiceProvider();
        _hosted = _provider.GetServices<IHostedService>().ToList();
        foreach (var hosted in _hosted)
        {
            await hosted.StartAsync(default);
        }
    }

    private async Task StopAsync()
    {
        foreach (var hosted in Enumerable.Reverse(_hosted))
        {
            await hosted.StopAsync(default);
        }

        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }

    private async Task<ImportJob> WaitForTerminalJobAsync(string batchId)
    {
        var jobs = _provider!.GetRequiredService<SqliteImportJobRepository>();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var job = await jobs.FindByBatchAsync(batchId, default);
            if (job is { IsTerminal: true })
            {
                return job;
            }

            Assert.True(clock.Elapsed < Timeout, $"batch {batchId}: job {(job is null ? "not created" : job.Status.ToWire())} after {Timeout}");
            await Task.Delay(50);
        }
    }

    private static async Task<BatchManifestInstance> PutInstanceAsync(IInstanceStore store, BatchId batchId, string sopUid, string seriesUid, byte[] content)
    {
        var key = ObjectKeys.Instance(batchId, DicomUid.Parse(sopUid));
        await using var upload = await store.BeginPutAsync(key, default);
        await upload.Content.WriteAsync(content);
        var info = await upload.CommitAsync(default);
        return new BatchManifestInstance
        {
            Key = key,
            Size = info.Size,
            Checksum = info.Checksum,
            SopClassUid = TestDicomFiles.CtImageStorage,
            SopInstanceUid = sopUid,
            StudyInstanceUid = Study,
            SeriesInstanceUid = seriesUid,
            StudyDate = "20261128",
            ReceivedAt = DateTimeOffset.UtcNow,
        };
    }

    private static async Task PutManifestAsync(IInstanceStore store, BatchId batchId, List<BatchManifestInstance> instances)
    {
        var manifest = new BatchManifest
        {
            BatchId = batchId.Value,
            InputPrefix = ObjectKeys.BatchPrefix(batchId),
            CallingAeTitle = "STORESCU",
            CalledAeTitle = "IMAGINGGW",
            AssociationId = "assoc-1",
            OpenedAt = DateTimeOffset.UtcNow,
            ClosedAt = DateTimeOffset.UtcNow,
            CloseReason = "release",
            Instances = instances,
        };
        await using var upload = await store.BeginPutAsync(ObjectKeys.Manifest(batchId), default);
        await JsonSerializer.SerializeAsync(upload.Content, manifest, ApplicationJsonContext.Default.BatchManifest);
        await upload.CommitAsync(default);
    }
}
