using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Imports;

namespace ImagingGateway.Application.Tests.InMemory;

/// <summary>
/// HealthImaging's import semantics in memory: idempotent start by client token; each poll moves a job one step,
/// SUBMITTED → IN_PROGRESS → COMPLETED (or FAILED when told to); results count the .dcm objects under the input
/// prefix of an <see cref="InMemoryInstanceStore"/>, minus the files told to fail, which land in one image set.
/// </summary>
public sealed class FakeImagingService(InMemoryInstanceStore store, TimeProvider time) : IImagingService
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Job> _byToken = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Job> _byId = new(StringComparer.Ordinal);

    /// <summary>The image set every job's good files land in, at version 1.</summary>
    public const string ImageSetId = "imageset1";

    public int StartCalls { get; private set; }

    public int JobCount
    {
        get
        {
            lock (_lock)
            {
                return _byId.Count;
            }
        }
    }

    /// <summary>The next job started ends FAILED with this message (the service's own failure).</summary>
    public string? FailNextJobWith { get; set; }

    /// <summary>Keys (relative to the store root) that the import reports as failed files, with a reason.</summary>
    public Dictionary<string, string> FailingFiles { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, reading results throws <see cref="InvalidDataException"/>, as when a job wrote no output.</summary>
    public bool NoOutput { get; set; }

    /// <summary>When set, starting a job throws <see cref="ImagingQuotaExceededException"/>.</summary>
    public bool QuotaExceeded { get; set; }

    public IReadOnlyList<StartImportRequest> Requests { get; private set; } = [];

    public Task<StartedImportJob> StartImportJobAsync(StartImportRequest request, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            StartCalls++;
            Requests = [.. Requests, request];
            if (QuotaExceeded)
            {
                throw new ImagingQuotaExceededException("100 concurrent import jobs");
            }

            if (!_byToken.TryGetValue(request.ClientToken, out var job))
            {
                job = new Job($"job{_byId.Count + 1:D4}", request, time.GetUtcNow(), FailNextJobWith);
                FailNextJobWith = null;
                _byToken.Add(request.ClientToken, job);
                _byId.Add(job.Id, job);
            }

            return Task.FromResult(new StartedImportJob(job.Id, request.DatastoreId, job.Status, job.SubmittedAt));
        }
    }

    public Task<ImportJobState> GetImportJobAsync(string datastoreId, string jobId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var job = _byId.TryGetValue(jobId, out var j) ? j : throw new KeyNotFoundException($"no import job {jobId}");
            if (job.Status == ImportJobStatus.Submitted)
            {
                job.Status = ImportJobStatus.InProgress;
            }
            else if (job.Status == ImportJobStatus.InProgress)
            {
                job.Status = job.FailWith is null ? ImportJobStatus.Completed : ImportJobStatus.Failed;
                job.EndedAt = time.GetUtcNow();
            }

            return Task.FromResult(new ImportJobState(job.Id, datastoreId, job.Status, job.SubmittedAt, job.EndedAt,
                job.Status == ImportJobStatus.Failed ? job.FailWith : null));
        }
    }

    public async Task<ImportJobResults> ReadJobResultsAsync(string datastoreId, string jobId, string outputS3Uri, CancellationToken cancellationToken)
    {
        Job job;
        lock (_lock)
        {
            job = _byId[jobId];
        }

        if (NoOutput)
        {
            throw new InvalidDataException($"{outputS3Uri}{datastoreId}-DicomImport-{jobId}/job-output-manifest.json does not exist");
        }

        var prefix = job.Request.InputS3Uri[InMemoryInstanceStore.Root.Length..];
        var files = new List<string>();
        await foreach (var o in store.ListAsync(prefix, cancellationToken))
        {
            files.Add(o.Key);
        }

        if (job.FailWith is not null)
        {
            return new ImportJobResults(files.Count, 0, files.Count, [], [.. files.Select(f => new ImportFailure(f, job.FailWith))]);
        }

        var failures = files.Where(FailingFiles.ContainsKey).Select(f => new ImportFailure(f, FailingFiles[f])).ToList();
        var succeeded = files.Except(FailingFiles.Keys).ToList();
        // As HealthImaging's success.ndjson names each file, and our keys end in {sopInstanceUid}.dcm.
        var sops = succeeded.Select(f => Path.GetFileNameWithoutExtension(f)).ToList();
        return new ImportJobResults(files.Count, succeeded.Count, failures.Count, [new ImportedImageSet(ImageSetId, null, null, sops, "1")], failures);
    }

    private sealed class Job(string id, StartImportRequest request, DateTimeOffset submittedAt, string? failWith)
    {
        public string Id { get; } = id;

        public StartImportRequest Request { get; } = request;

        public DateTimeOffset SubmittedAt { get; } = submittedAt;

        public string? FailWith { get; } = failWith;

        public ImportJobStatus Status { get; set; } = ImportJobStatus.Submitted;

        public DateTimeOffset? EndedAt { get; set; }
    }
}
