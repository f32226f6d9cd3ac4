namespace ImagingGateway.Application.Common.Ports;

/// <summary>
/// Storage commitment requests (PS3.4 J.3) from the N-ACTION until their report is delivered: they outlive a restart,
/// so a report owed is sent after recovery. StorageCommitmentRepositoryContract (tests/Application.Tests/Common/Ports/
/// Contracts) holds every adapter to this.
/// </summary>
public interface IStorageCommitmentRepository
{
    /// <summary>Adds a request; false, and nothing changes, when its Transaction UID is already recorded.</summary>
    Task<bool> TryAddAsync(StorageCommitmentRecord record, CancellationToken cancellationToken);

    /// <summary>The request with this Transaction UID, or null.</summary>
    Task<StorageCommitmentRecord?> FindAsync(string transactionUid, CancellationToken cancellationToken);

    /// <summary>At most <paramref name="limit"/> pending requests whose next attempt is due by <paramref name="dueBy"/>, earliest first.</summary>
    Task<IReadOnlyList<StorageCommitmentRecord>> ListDueAsync(DateTimeOffset dueBy, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Claims a pending request for one reporter: moves its next attempt to <paramref name="claimUntil"/>, only while it is
    /// still pending with the next attempt <paramref name="expectedNextAttemptAt"/> the caller listed. False, and nothing
    /// changes, when another reporter (a Gateway task sharing the repository) moved it first, so each report is worked by one.
    /// </summary>
    Task<bool> TryClaimAsync(string transactionUid, DateTimeOffset expectedNextAttemptAt, DateTimeOffset claimUntil, CancellationToken cancellationToken);

    /// <summary>Replaces the recorded request with the same Transaction UID (its items' decisions, state, attempts).</summary>
    Task UpdateAsync(StorageCommitmentRecord record, CancellationToken cancellationToken);
}
