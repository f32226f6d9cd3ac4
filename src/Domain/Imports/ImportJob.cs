using ImagingGateway.Domain.Common;

namespace ImagingGateway.Domain.Imports;

/// <summary>
/// One HealthImaging import job, with exactly the attributes of DicomImportJobTable plus what batching needs.
/// Status moves SUBMITTED → IN_PROGRESS → COMPLETED | FAILED (SUBMITTED may go straight to a terminal state);
/// <see cref="EndedAt"/> is set exactly when a terminal state is entered, and a terminal job never changes again.
/// </summary>
public sealed class ImportJob
{
    private ImportJob(ImportJobSnapshot s)
    {
        if (string.IsNullOrWhiteSpace(s.JobId))
        {
            throw new DomainException("jobId must not be empty", "jobId");
        }

        if (s.Status.IsTerminal() != (s.EndedAt is not null))
        {
            throw new DomainException("endedAt is set exactly when the job is COMPLETED or FAILED", "endedAt");
        }

        Snapshot = s;
    }

    public ImportJobSnapshot Snapshot { get; private set; }

    public string JobId => Snapshot.JobId;

    public ImportJobStatus Status => Snapshot.Status;

    public DateTimeOffset SubmittedAt => Snapshot.SubmittedAt;

    public DateTimeOffset? EndedAt => Snapshot.EndedAt;

    public string? Message => Snapshot.Message;

    public bool IsTerminal => Status.IsTerminal();

    /// <summary>The job this one re-imports (<c>jobs retry</c>), if any.</summary>
    public string? RetryOf => Snapshot.RetryOf;

    /// <summary>The latest job that re-imports this one, if any.</summary>
    public string? RetriedBy => Snapshot.RetriedBy;

    /// <summary>The storage commitment transactions that covered this job's instances, oldest report first.</summary>
    public IReadOnlyList<ImportJobCommitment> Commitments => Snapshot.Commitments ?? [];

    /// <summary>
    /// Records that <paramref name="retryJobId"/> re-imports this job. Only a job that has ended can be retried, and the
    /// link is the one attribute a terminal job still takes, because it says what happened after, not how this job ended.
    /// </summary>
    public void LinkRetry(string retryJobId)
    {
        if (string.IsNullOrWhiteSpace(retryJobId) || retryJobId == JobId)
        {
            throw new DomainException($"job {JobId} cannot be retried by '{retryJobId}'", "retriedBy");
        }

        if (!IsTerminal)
        {
            throw new DomainException($"job {JobId} is {Status.ToWire()}: only a COMPLETED or FAILED job can be retried", "retriedBy");
        }

        Snapshot = Snapshot with { RetriedBy = retryJobId };
    }

    /// <summary>A job just started with HealthImaging: status SUBMITTED.</summary>
    public static ImportJob Submit(ImportJobSnapshot details) =>
        new(details with { Status = ImportJobStatus.Submitted, EndedAt = null });

    /// <summary>Rebuilds a stored job; the snapshot must already satisfy the rules.</summary>
    public static ImportJob Restore(ImportJobSnapshot snapshot) => new(snapshot);

    public static bool IsLegalTransition(ImportJobStatus from, ImportJobStatus to) => (from, to) switch
    {
        (ImportJobStatus.Submitted, ImportJobStatus.InProgress) => true,
        (ImportJobStatus.Submitted, ImportJobStatus.Completed) => true,
        (ImportJobStatus.Submitted, ImportJobStatus.Failed) => true,
        (ImportJobStatus.InProgress, ImportJobStatus.Completed) => true,
        (ImportJobStatus.InProgress, ImportJobStatus.Failed) => true,
        _ => false,
    };

    /// <summary>
    /// Moves the job towards the status the imaging service reports, ignoring a report that would move it backwards
    /// or out of a terminal state (a stale or replayed poll). Returns false when the job does not change.
    /// </summary>
    public bool Advance(ImportJobStatus status, DateTimeOffset at, string? message = null) =>
        (status == Status || IsLegalTransition(Status, status)) && TransitionTo(status, at, message);

    /// <summary>
    /// Throws <see cref="DomainException"/> unless this job's state may replace a stored job whose status is
    /// <paramref name="stored"/>: a legal transition, or a new message on a job still running. Every repository asks
    /// this before its conditional write, so no adapter holds a transition rule of its own.
    /// </summary>
    public void EnsureCanReplace(ImportJobStatus stored)
    {
        var allowed = Status == stored ? !stored.IsTerminal() : IsLegalTransition(stored, Status);
        if (!allowed)
        {
            throw new DomainException($"job {JobId} cannot go from {stored.ToWire()} to {Status.ToWire()}", "jobStatus");
        }
    }

    /// <summary>
    /// Moves the job to <paramref name="status"/>. Returns false (and changes nothing) when the job already has that
    /// status, so a replayed poll is harmless; throws <see cref="DomainException"/> for an illegal transition.
    /// </summary>
    public bool TransitionTo(ImportJobStatus status, DateTimeOffset at, string? message = null)
    {
        if (status == Status)
        {
            if (message is not null && message != Message && !IsTerminal)
            {
                Snapshot = Snapshot with { Message = message };
                return true;
            }

            return false;
        }

        if (!IsLegalTransition(Status, status))
        {
            throw new DomainException(
                $"job {JobId} cannot go from {Status.ToWire()} to {status.ToWire()}", "jobStatus");
        }

        Snapshot = Snapshot with
        {
            Status = status,
            EndedAt = status.IsTerminal() ? at : null,
            Message = message ?? Snapshot.Message,
        };
        return true;
    }
}
