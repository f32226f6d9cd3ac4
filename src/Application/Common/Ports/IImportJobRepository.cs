using ImagingGateway.Domain.Imports;

namespace ImagingGateway.Application.Common.Ports;

/// <summary>The job table (DicomImportJobTable, PK jobId). Every write is conditional so replays are harmless.</summary>
public interface IImportJobRepository
{
    /// <summary>Stores a new job; returns false, changing nothing, when a job with that id already exists.</summary>
    Task<bool> CreateIfAbsentAsync(ImportJob job, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="job"/>'s status, endedAt and message only if the stored status is still
    /// <paramref name="expectedStatus"/>. Returns false, changing nothing, when it is not or the job is absent (a lost
    /// race: read again and decide again). Throws <see cref="Domain.Common.DomainException"/>, writing nothing, when
    /// <see cref="ImportJob.EnsureCanReplace"/> refuses the move from <paramref name="expectedStatus"/>: only the
    /// aggregate decides transitions, and asking for an illegal one is the caller's bug, not a race.
    /// </summary>
    Task<bool> TryUpdateAsync(ImportJob job, ImportJobStatus expectedStatus, CancellationToken cancellationToken);

    /// <summary>
    /// Writes only <paramref name="job"/>'s <see cref="ImportJob.RetriedBy"/> (set by <see cref="ImportJob.LinkRetry"/>),
    /// whatever the stored status. Returns false, changing nothing, when the job is absent.
    /// </summary>
    Task<bool> SetRetriedByAsync(ImportJob job, CancellationToken cancellationToken);

    /// <summary>
    /// Records storage commitment transactions that covered instances of job <paramref name="jobId"/>, whatever its
    /// status (like the retry link, they say what happened after, not how the job ended): each replaces the stored one
    /// of its Transaction UID only when <see cref="ImportJobCommitment.Supersedes"/> says so, so writers racing from the
    /// report's and the job's side, or a replay, keep the fullest count. Returns false, changing nothing, when the job
    /// is absent. <see cref="CreateIfAbsentAsync"/> and <see cref="TryUpdateAsync"/> neither write nor clear them.
    /// </summary>
    Task<bool> RecordCommitmentsAsync(string jobId, IReadOnlyList<ImportJobCommitment> commitments, CancellationToken cancellationToken);

    Task<ImportJob?> GetAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Jobs with this status, newest first.</summary>
    Task<Page<ImportJob>> ListByStatusAsync(ImportJobStatus status, PageRequest page, CancellationToken cancellationToken);

    /// <summary>Jobs of this study, newest first.</summary>
    Task<Page<ImportJob>> ListByStudyAsync(string studyInstanceUid, PageRequest page, CancellationToken cancellationToken);

    /// <summary>Every job, newest first.</summary>
    Task<Page<ImportJob>> ListAsync(PageRequest page, CancellationToken cancellationToken);

    /// <summary>
    /// How many jobs have each of <paramref name="statuses"/>, each of them present (0 when none), without reading the
    /// jobs. Counting only the open statuses costs the same however many jobs have ended.
    /// </summary>
    Task<IReadOnlyDictionary<ImportJobStatus, long>> CountByStatusAsync(IReadOnlyCollection<ImportJobStatus> statuses, CancellationToken cancellationToken);
}

/// <summary>At most <see cref="Limit"/> items after the position <see cref="ContinuationToken"/> names (null: the start).</summary>
public sealed record PageRequest(int Limit = 100, string? ContinuationToken = null);

/// <summary>One page; <see cref="ContinuationToken"/> is null on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? ContinuationToken);
