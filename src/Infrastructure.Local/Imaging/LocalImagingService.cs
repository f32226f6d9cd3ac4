using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Imports;
using ImagingGateway.Infrastructure.Local.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImagingGateway.Infrastructure.Local.Imaging;

/// <summary>
/// The local stand-in for AWS HealthImaging, following its import semantics. StartImportJob validates its inputs,
/// is idempotent by client token, is paced (TPS, burst) and refuses a job over the concurrent-job quota with
/// <see cref="ImagingQuotaExceededException"/>. A background worker takes each job SUBMITTED → IN_PROGRESS →
/// COMPLETED (even when some files are bad: they go to FAILURE/failure.ndjson) or FAILED (the input cannot be read).
/// It validates every file under the input location, groups the good ones into one image set per series (importing
/// into an existing series merges into its image set and bumps the version, newer instances replacing older ones),
/// stores each version's metadata as DICOM JSON, and writes HealthImaging's output layout:
/// <c>{outputS3Uri}{datastoreId}-DicomImport-{jobId}/job-output-manifest.json</c>, <c>SUCCESS/success.ndjson</c>,
/// <c>FAILURE/failure.ndjson</c>. Jobs and image sets are kept in SQLite, so a restart continues unfinished jobs.
/// Input and output locations are <c>file:///</c> URIs.
/// </summary>
public sealed partial class LocalImagingService : IImagingService, IAsyncDisposable
{
    private static readonly JsonSerializerOptions Ndjson = new() { WriteIndented = false };
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly LocalImagingOptions _options;
    private readonly SqliteImagingCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TokenBucket _startPacing;
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private readonly SemaphoreSlim _imageSetGate = new(1, 1);
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();
    private readonly ConcurrentDictionary<string, byte> _queued = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _workersLock = new();
    private int _jobsToFail;
    private List<Task>? _workers;

    public LocalImagingService(
        LocalImagingOptions options,
        SqliteDatabase database,
        TimeProvider? time = null,
        ILogger<LocalImagingService>? logger = null)
    {
        _options = options;
        _catalog = new SqliteImagingCatalog(database);
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _startPacing = new TokenBucket(options.StartImportJobTps, options.StartImportJobBurst, _time);
        ImageSetsDirectory = Path.GetFullPath(Path.Combine(options.Directory, "datastores"));
        _jobsToFail = Math.Max(0, options.FailFirstJobs);
    }

    /// <summary>Root of the stored image sets: <c>{datastoreId}/imageSets/{imageSetId}/{version}.json</c> below it.</summary>
    public string ImageSetsDirectory { get; }

    public async Task<StartedImportJob> StartImportJobAsync(StartImportRequest request, CancellationToken cancellationToken)
    {
        Validate(request);
        await _startPacing.AcquireAsync(cancellationToken).ConfigureAwait(false);
        await _startGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var existing = await _catalog.FindByClientTokenAsync(request.DatastoreId, request.ClientToken, cancellationToken).ConfigureAwait(false);
            if (existing is not null)
            {
                if (existing.InputS3Uri != request.InputS3Uri || existing.OutputS3Uri != request.OutputS3Uri || existing.DataAccessRoleArn != request.DataAccessRoleArn)
                {
                    throw new ImagingConflictException(
                        $"clientToken '{request.ClientToken}' was already used for job {existing.JobId} with other parameters");
                }

                return new StartedImportJob(existing.JobId, existing.DatastoreId, existing.Status, existing.SubmittedAt);
            }

            var active = await _catalog.CountActiveJobsAsync(request.DatastoreId, cancellationToken).ConfigureAwait(false);
            if (active >= _options.MaxConcurrentJobs)
            {
                throw new ImagingQuotaExceededException(
                    $"data store {request.DatastoreId} already has {active} import jobs running (quota {_options.MaxConcurrentJobs})");
            }

            var job = new LocalImagingJob(
                JobId: NewId(),
                DatastoreId: request.DatastoreId,
                ClientToken: request.ClientToken,
                JobName: request.JobName,
                Status: ImportJobStatus.Submitted,
                SubmittedAt: _time.GetUtcNow(),
                EndedAt: null,
                Message: null,
                InputS3Uri: request.InputS3Uri,
                OutputS3Uri: request.OutputS3Uri,
                DataAccessRoleArn: request.DataAccessRoleArn);
            await _catalog.InsertJobAsync(job, cancellationToken).ConfigureAwait(false);
            LogSubmitted(_logger, job.JobId, job.InputS3Uri);
            Enqueue(job.JobId);
            return new StartedImportJob(job.JobId, job.DatastoreId, job.Status, job.SubmittedAt);
        }
        finally
        {
            _startGate.Release();
        }
    }

    public async Task<ImportJobState> GetImportJobAsync(string datastoreId, string jobId, CancellationToken cancellationToken)
    {
        var job = await _catalog.GetJobAsync(datastoreId, jobId, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"import job {jobId} does not exist in data store {datastoreId}");
        return new ImportJobState(job.JobId, job.DatastoreId, job.Status, job.SubmittedAt, job.EndedAt, job.Message);
    }

    public async Task<ImportJobResults> ReadJobResultsAsync(string datastoreId, string jobId, string outputS3Uri, CancellationToken cancellationToken)
    {
        var folder = OutputFolder(outputS3Uri, datastoreId, jobId);
        var manifestPath = Path.Combine(folder, "job-output-manifest.json");
        if (!File.Exists(manifestPath))
        {
            var job = await _catalog.GetJobAsync(datastoreId, jobId, cancellationToken).ConfigureAwait(false);
            if (job?.Status == ImportJobStatus.Failed)
            {
                return new ImportJobResults(0, 0, 0, [], []);
            }

            throw new FileNotFoundException($"import job {jobId} has no output at {manifestPath}", manifestPath);
        }

        JobOutputManifest manifest;
        await using (var stream = File.OpenRead(manifestPath))
        {
            manifest = await JsonSerializer.DeserializeAsync<JobOutputManifest>(stream, cancellationToken: cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException($"{manifestPath} is empty");
        }

        var successes = await ReadLinesAsync<SuccessLine>(Path.Combine(folder, "SUCCESS", "success.ndjson"), cancellationToken).ConfigureAwait(false);
        var failures = await ReadLinesAsync<FailureLine>(Path.Combine(folder, "FAILURE", "failure.ndjson"), cancellationToken).ConfigureAwait(false);
        var bySet = successes.GroupBy(s => s.ImportResponse.ImageSetId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var imageSets = manifest.JobSummary.ImageSetsSummary.Select(summary =>
        {
            var lines = bySet.GetValueOrDefault(summary.ImageSetId) ?? [];
            return new ImportedImageSet(
                summary.ImageSetId,
                lines.Select(l => l.StudyInstanceUid).FirstOrDefault(u => u is not null),
                lines.Select(l => l.SeriesInstanceUid).FirstOrDefault(u => u is not null),
                lines.Select(l => l.SopInstanceUid).OfType<string>().ToList(),
                summary.ImageSetVersion.ToString(CultureInfo.InvariantCulture));
        }).ToList();
        var s = manifest.JobSummary;
        return new ImportJobResults(
            s.NumberOfScannedFiles,
            s.NumberOfImportedFiles,
            s.NumberOfFilesWithCustomerError + s.NumberOfFilesWithServerError,
            imageSets,
            failures.Select(f => new ImportFailure(f.InputFile, $"{f.Exception.ExceptionType}: {f.Exception.Message}")).ToList());
    }

    /// <summary>The image set a series was imported into, if any.</summary>
    public Task<LocalImageSet?> FindImageSetBySeriesAsync(string datastoreId, string seriesInstanceUid, CancellationToken cancellationToken) =>
        _catalog.FindImageSetBySeriesAsync(datastoreId, seriesInstanceUid, cancellationToken);

    /// <summary>The DICOM JSON metadata of one version of an image set (a PS3.18 F.2 array, one object per instance).</summary>
    public async Task<JsonArray?> ReadImageSetMetadataAsync(string datastoreId, string imageSetId, int version, CancellationToken cancellationToken)
    {
        var path = MetadataPath(datastoreId, imageSetId, version);
        if (!File.Exists(path))
        {
            return null;
        }

        await using var stream = File.OpenRead(path);
        return await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false) as JsonArray;
    }

    /// <summary>Queues every job a previous run left SUBMITTED or IN_PROGRESS. Returns how many.</summary>
    public async Task<int> ResumeAsync(CancellationToken cancellationToken)
    {
        var unfinished = await _catalog.ListUnfinishedJobsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var job in unfinished)
        {
            Enqueue(job.JobId);
        }

        return unfinished.Count;
    }

    public async Task StopAsync()
    {
        _queue.Writer.TryComplete();
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        Task[] workers;
        lock (_workersLock)
        {
            workers = _workers?.ToArray() ?? [];
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _startGate.Dispose();
        _imageSetGate.Dispose();
    }

    internal static string OutputFolder(string outputS3Uri, string datastoreId, string jobId) =>
        Path.Combine(LocalPathOf(outputS3Uri, "outputS3Uri"), $"{datastoreId}-DicomImport-{jobId}");

    private static string LocalPathOf(string uri, string field)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || !parsed.IsFile)
        {
            throw new ArgumentException($"{field}: '{uri}' is not a file:/// location (the local imaging store reads and writes files)", field);
        }

        return parsed.LocalPath;
    }

    private static void Validate(StartImportRequest r)
    {
        if (r.DatastoreId is null || !DatastoreIdPattern().IsMatch(r.DatastoreId))
        {
            throw new ArgumentException($"datastoreId: '{r.DatastoreId}' is not a data store id (1 to 64 of [A-Za-z0-9-])", nameof(r.DatastoreId));
        }

        if (string.IsNullOrEmpty(r.DataAccessRoleArn) || !r.DataAccessRoleArn.StartsWith("arn:", StringComparison.Ordinal) || r.DataAccessRoleArn.Length > 2048)
        {
            throw new ArgumentException($"dataAccessRoleArn: '{r.DataAccessRoleArn}' is not a role ARN", nameof(r.DataAccessRoleArn));
        }

        if (r.ClientToken is null || !ClientTokenPattern().IsMatch(r.ClientToken))
        {
            throw new ArgumentException($"clientToken: '{r.ClientToken}' must be 1 to 64 of [A-Za-z0-9-_]", nameof(r.ClientToken));
        }

        if (r.JobName is { Length: > 64 })
        {
            throw new ArgumentException("jobName: at most 64 characters", nameof(r.JobName));
        }

        _ = LocalPathOf(r.InputS3Uri, "inputS3Uri");
        _ = LocalPathOf(r.OutputS3Uri, "outputS3Uri");
    }

    /// <summary>The message of a job failed by <see cref="LocalImagingOptions.FailFirstJobs"/>.</summary>
    public const string InjectedFailure = "InternalServerException: injected fault (Gateway:Local:Imaging:FailFirstJobs)";

    private bool TakeInjectedFailure()
    {
        int left;
        do
        {
            left = Volatile.Read(ref _jobsToFail);
            if (left <= 0)
            {
                return false;
            }
        }
        while (Interlocked.CompareExchange(ref _jobsToFail, left - 1, left) != left);

        return true;
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private void Enqueue(string jobId)
    {
        EnsureWorkers();
        if (_queued.TryAdd(jobId, 0))
        {
            _queue.Writer.TryWrite(jobId);
        }
    }

    private void EnsureWorkers()
    {
        lock (_workersLock)
        {
            if (_workers is not null || _stopping.IsCancellationRequested)
            {
                return;
            }

            _workers = Enumerable.Range(0, Math.Max(1, _options.MaxParallelJobs))
                .Select(_ => Task.Run(() => WorkAsync(_stopping.Token)))
                .ToList();
        }
    }

    private async Task WorkAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var jobId in _queue.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    await ProcessAsync(jobId, stopping).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
                {
                    LogWorkerError(_logger, ex, jobId);
                }
                finally
                {
                    _queued.TryRemove(jobId, out _);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Unfinished jobs stay SUBMITTED or IN_PROGRESS and are resumed at the next start.
        }
    }

    private async Task ProcessAsync(string jobId, CancellationToken stopping)
    {
        var job = await _catalog.GetJobByIdAsync(jobId, stopping).ConfigureAwait(false);
        if (job is null || job.Status.IsTerminal())
        {
            return;
        }

        await _catalog.UpdateJobStatusAsync(jobId, ImportJobStatus.InProgress, null, null, stopping).ConfigureAwait(false);
        if (_options.ProcessingDelay > TimeSpan.Zero)
        {
            await Task.Delay(_options.ProcessingDelay, _time, stopping).ConfigureAwait(false);
        }

        string? failure;
        try
        {
            failure = TakeInjectedFailure()
                ? InjectedFailure
                : await ImportAsync(job, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            // As HealthImaging fails a job it cannot process: the job ends, the workflow sees FAILED with the reason.
            LogWorkerError(_logger, ex, jobId);
            failure = $"import failed: {ex.GetType().Name}: {ex.Message}";
        }

        var status = failure is null ? ImportJobStatus.Completed : ImportJobStatus.Failed;
        await _catalog.UpdateJobStatusAsync(jobId, status, _time.GetUtcNow(), failure, stopping).ConfigureAwait(false);
        LogEnded(_logger, jobId, status.ToWire(), failure);
    }

    /// <summary>Runs one import; returns null when it completed, or why the whole job failed.</summary>
    private async Task<string?> ImportAsync(LocalImagingJob job, CancellationToken cancellationToken)
    {
        var inputFolder = LocalPathOf(job.InputS3Uri, "inputS3Uri");
        var outputFolder = OutputFolder(job.OutputS3Uri, job.DatastoreId, job.JobId);
        var outputUri = new Uri(outputFolder + Path.DirectorySeparatorChar).AbsoluteUri;

        List<string> files;
        if (!Directory.Exists(inputFolder))
        {
            await WriteOutputAsync(job, outputFolder, outputUri, [], [], [], 0, cancellationToken).ConfigureAwait(false);
            return $"input location {job.InputS3Uri} does not exist or cannot be read";
        }

        files = Directory.EnumerateFiles(inputFolder, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            await WriteOutputAsync(job, outputFolder, outputUri, [], [], [], 0, cancellationToken).ConfigureAwait(false);
            return $"input location {job.InputS3Uri} holds no files";
        }

        if (files.Count > _options.MaxFilesPerJob)
        {
            return $"input location {job.InputS3Uri} holds {files.Count} files, more than the {_options.MaxFilesPerJob} an import job takes";
        }

        var inspected = new List<InspectedFile>(files.Count);
        foreach (var file in files)
        {
            inspected.Add(await DicomFileInspector.InspectAsync(file, cancellationToken, _options.MaxInflatedDataSetBytes).ConfigureAwait(false));
        }

        var valid = inspected.Where(f => f.IsValid).ToList();
        var failures = inspected.Where(f => !f.IsValid)
            .Select(f => new FailureLine(InputFileName(f.Path), new FailureException("ValidationException", f.Failure!)))
            .ToList();

        var summaries = new List<ImageSetSummary>();
        var successes = new List<SuccessLine>(valid.Count);
        await _imageSetGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var series in valid.GroupBy(f => f.SeriesInstanceUid!, StringComparer.Ordinal))
            {
                var set = await SaveImageSetAsync(job.DatastoreId, series.Key, series.ToList(), cancellationToken).ConfigureAwait(false);
                var instances = series.Select(f => f.SopInstanceUid).Distinct(StringComparer.Ordinal).Count();
                summaries.Add(new ImageSetSummary(set.ImageSetId, set.Version, true, instances));
                successes.AddRange(series.Select(f => new SuccessLine
                {
                    InputFile = InputFileName(f.Path),
                    ImportResponse = new ImportResponse(set.ImageSetId, set.Version, true),
                    StudyInstanceUid = f.StudyInstanceUid,
                    SeriesInstanceUid = f.SeriesInstanceUid,
                    SopInstanceUid = f.SopInstanceUid,
                    SopClassUid = f.SopClassUid,
                }));
            }
        }
        finally
        {
            _imageSetGate.Release();
        }

        await WriteOutputAsync(job, outputFolder, outputUri, summaries, successes, failures, files.Count, cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>Creates the series' image set, or merges into it as a new version (same SOP instance: the newer one wins).</summary>
    private async Task<LocalImageSet> SaveImageSetAsync(string datastoreId, string seriesUid, List<InspectedFile> files, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var existing = await _catalog.FindImageSetBySeriesAsync(datastoreId, seriesUid, cancellationToken).ConfigureAwait(false);
        var instances = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        if (existing is not null && await ReadImageSetMetadataAsync(datastoreId, existing.ImageSetId, existing.Version, cancellationToken).ConfigureAwait(false) is { } previous)
        {
            foreach (var node in previous)
            {
                if (node is JsonObject dataSet && DicomJson.FirstString(dataSet, "00080018") is { } sop)
                {
                    instances[sop] = (JsonObject)dataSet.DeepClone();
                }
            }
        }

        foreach (var file in files)
        {
            instances[file.SopInstanceUid!] = file.Metadata!;
        }

        var set = existing is null
            ? new LocalImageSet(NewId(), datastoreId, files[0].StudyInstanceUid!, seriesUid, 1, now, now)
            : existing with { Version = existing.Version + 1, UpdatedAt = now, StudyInstanceUid = files[0].StudyInstanceUid! };
        var metadata = new JsonArray(instances.Values.Select(v => (JsonNode)v).ToArray());
        await DurableFile.WriteAsync(MetadataPath(datastoreId, set.ImageSetId, set.Version),
            Encoding.UTF8.GetBytes(metadata.ToJsonString()), _options.Durable, cancellationToken).ConfigureAwait(false);
        await _catalog.UpsertImageSetAsync(set, cancellationToken).ConfigureAwait(false);
        return set;
    }

    private async Task WriteOutputAsync(
        LocalImagingJob job,
        string outputFolder,
        string outputUri,
        List<ImageSetSummary> summaries,
        List<SuccessLine> successes,
        List<FailureLine> failures,
        int scanned,
        CancellationToken cancellationToken)
    {
        var manifest = new JobOutputManifest(new JobSummary
        {
            JobId = job.JobId,
            DatastoreId = job.DatastoreId,
            InputS3Uri = job.InputS3Uri,
            OutputS3Uri = outputUri,
            SuccessOutputS3Uri = outputUri + "SUCCESS/",
            FailureOutputS3Uri = outputUri + "FAILURE/",
            NumberOfScannedFiles = scanned,
            NumberOfImportedFiles = successes.Count,
            NumberOfFilesWithCustomerError = failures.Count,
            NumberOfFilesWithServerError = 0,
            NumberOfGeneratedImageSets = summaries.Count,
            ImageSetsSummary = summaries,
        });

        // The ndjson files first, the manifest last: a reader that finds the manifest finds complete results.
        await DurableFile.WriteAsync(Path.Combine(outputFolder, "SUCCESS", "success.ndjson"), ToNdjson(successes), _options.Durable, cancellationToken).ConfigureAwait(false);
        await DurableFile.WriteAsync(Path.Combine(outputFolder, "FAILURE", "failure.ndjson"), ToNdjson(failures), _options.Durable, cancellationToken).ConfigureAwait(false);
        await DurableFile.WriteAsync(Path.Combine(outputFolder, "job-output-manifest.json"),
            JsonSerializer.SerializeToUtf8Bytes(manifest, Indented), _options.Durable, cancellationToken).ConfigureAwait(false);
    }

    private static byte[] ToNdjson<T>(IEnumerable<T> lines)
    {
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(JsonSerializer.Serialize(line, Ndjson)).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static async Task<List<T>> ReadLinesAsync<T>(string path, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        if (!File.Exists(path))
        {
            return items;
        }

        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false))
        {
            if (!string.IsNullOrWhiteSpace(line) && JsonSerializer.Deserialize<T>(line) is { } item)
            {
                items.Add(item);
            }
        }

        return items;
    }

    private string InputFileName(string path)
    {
        if (_options.InputRoot is { } root)
        {
            var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + Path.DirectorySeparatorChar;
            if (path.StartsWith(full, StringComparison.Ordinal))
            {
                return path[full.Length..].Replace(Path.DirectorySeparatorChar, '/');
            }
        }

        return path;
    }

    private string MetadataPath(string datastoreId, string imageSetId, int version) =>
        Path.Combine(ImageSetsDirectory, datastoreId, "imageSets", imageSetId, $"{version}.json");

    [GeneratedRegex("^[A-Za-z0-9-]{1,64}$")]
    private static partial Regex DatastoreIdPattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex ClientTokenPattern();

    [LoggerMessage(Level = LogLevel.Information, Message = "Local imaging: job {JobId} submitted for {Input}")]
    private static partial void LogSubmitted(ILogger logger, string jobId, string input);

    [LoggerMessage(Level = LogLevel.Information, Message = "Local imaging: job {JobId} {Status} {Message}")]
    private static partial void LogEnded(ILogger logger, string jobId, string status, string? message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Local imaging: job {JobId} could not be processed")]
    private static partial void LogWorkerError(ILogger logger, Exception exception, string jobId);
}
