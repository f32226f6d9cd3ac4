using System.Globalization;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Imports;

namespace ImagingGateway.Application.Tests.InMemory;

/// <summary>The job table in memory, with the conditional writes <see cref="IImportJobRepository"/> defines.</summary>
public sealed class InMemoryImportJobRepository : IImportJobRepository
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ImportJobSnapshot> _jobs = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _jobs.Count;
            }
        }
    }

    /// <summary>Runs once, right before the next conditional update is evaluated (to simulate a concurrent writer).</summary>
    public Action<InMemoryImportJobRepository>? BeforeNextUpdate { get; set; }

    public Task<bool> CreateIfAbsentAsync(ImportJob job, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_jobs.TryAdd(job.JobId, job.Snapshot with { Commitments = null }));
        }
    }

    public Task<bool> TryUpdateAsync(ImportJob job, ImportJobStatus expectedStatus, CancellationToken cancellationToken)
    {
        job.EnsureCanReplace(expectedStatus);
        var before = BeforeNextUpdate;
        BeforeNextUpdate = null;
        before?.Invoke(this);
        lock (_lock)
        {
            if (!_jobs.TryGetValue(job.JobId, out var stored) || stored.Status != expectedStatus)
            {
                return Task.FromResult(false);
            }

            _jobs[job.JobId] = stored with { Status = job.Status, EndedAt = job.EndedAt, Message = job.Message };
            return Task.FromResult(true);
        }
    }

    public Task<bool> SetRetriedByAsync(ImportJob job, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_jobs.TryGetValue(job.JobId, out var stored))
            {
                return Task.FromResult(false);
            }

            _jobs[job.JobId] = stored with { RetriedBy = job.RetriedBy };
            return Task.FromResult(true);
        }
    }

    public Task<bool> RecordCommitmentsAsync(string jobId, IReadOnlyList<ImportJobCommitment> commitments, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_jobs.TryGetValue(jobId, out var stored))
            {
                return Task.FromResult(false);
            }

            var merged = (stored.Commitments ?? []).ToDictionary(c => c.TransactionUid, StringComparer.Ordinal);
            foreach (var commitment in commitments)
            {
                if (!merged.TryGetValue(commitment.TransactionUid, out var known) || commitment.Supersedes(known))
                {
                    merged[commitment.TransactionUid] = commitment;
                }
            }

            _jobs[jobId] = stored with
            {
                Commitments = merged.Count == 0 ? null : [.. merged.Values.OrderBy(c => c.ReportedAt).ThenBy(c => c.TransactionUid, StringComparer.Ordinal)],
            };
            return Task.FromResult(true);
        }
    }

    /// <summary>Overwrites a stored job unconditionally (a test's concurrent writer).</summary>
    public void Overwrite(ImportJobSnapshot snapshot)
    {
        lock (_lock)
        {
            _jobs[snapshot.JobId] = snapshot;
        }
    }

    public Task<ImportJob?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_jobs.TryGetValue(jobId, out var s) ? ImportJob.Restore(s) : null);
        }
    }

    public Task<Page<ImportJob>> ListByStatusAsync(ImportJobStatus status, PageRequest page, CancellationToken cancellationToken) =>
        Task.FromResult(Query(s => s.Status == status, page));

    public Task<Page<ImportJob>> ListByStudyAsync(string studyInstanceUid, PageRequest page, CancellationToken cancellationToken) =>
        Task.FromResult(Query(s => s.StudyInstanceUid == studyInstanceUid, page));

    public Task<Page<ImportJob>> ListAsync(PageRequest page, CancellationToken cancellationToken) =>
        Task.FromResult(Query(_ => true, page));

    public Task<IReadOnlyDictionary<ImportJobStatus, long>> CountByStatusAsync(IReadOnlyCollection<ImportJobStatus> statuses, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyDictionary<ImportJobStatus, long> counts = statuses.Distinct()
                .ToDictionary(s => s, s => (long)_jobs.Values.Count(j => j.Status == s));
            return Task.FromResult(counts);
        }
    }

    private Page<ImportJob> Query(Func<ImportJobSnapshot, bool> filter, PageRequest page)
    {
        lock (_lock)
        {
            var offset = page.ContinuationToken is null ? 0 : int.Parse(page.ContinuationToken, CultureInfo.InvariantCulture);
            var all = _jobs.Values.Where(filter)
                .OrderByDescending(s => s.SubmittedAt)
                .ThenBy(s => s.JobId, StringComparer.Ordinal)
                .ToList();
            var items = all.Skip(offset).Take(page.Limit).Select(ImportJob.Restore).ToList();
            var next = offset + items.Count < all.Count ? (offset + items.Count).ToString(CultureInfo.InvariantCulture) : null;
            return new Page<ImportJob>(items, next);
        }
    }
}
