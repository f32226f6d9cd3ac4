namespace ImagingGateway.Application.Common.Ports;

/// <summary>
/// Answers "did SOP instance X arrive, in which batch, and where did its import land?" without reading manifests or
/// job output: one record per SOP Instance UID, written once per closed batch (never per C-STORE), and completed with
/// the instance's <see cref="InstanceImportOutcome"/> when its batch's import job ends. The batch manifests and the
/// job output stay the source of truth; the index is derived from them and may miss a batch whose indexing failed.
/// </summary>
public interface IReceivedInstanceIndex
{
    /// <summary>
    /// Records every instance of one closed batch: all or nothing where the store allows (SQLite: one transaction;
    /// DynamoDB: each instance atomically, and recording the batch again completes it). A SOP instance already recorded
    /// is replaced, unless the recorded one was received later: a re-sent instance overwrites, latest wins, as the
    /// store overwrites its object. A replacement from another batch has no import outcome until that batch's job
    /// records one; recording the same batch again keeps the outcome it has. The records' own
    /// <see cref="ReceivedInstanceRecord.ImportOutcome"/> and <see cref="ReceivedInstanceRecord.Commitment"/> are ignored
    /// (they come only from <see cref="RecordOutcomesAsync"/> and <see cref="RecordCommitmentsAsync"/>), and a commitment
    /// recorded for the SOP instance, before or after, stays.
    /// </summary>
    Task RecordAsync(IReadOnlyList<ReceivedInstanceRecord> instances, CancellationToken cancellationToken);

    /// <summary>
    /// Records where the import of each instance landed. An outcome is kept only when the index holds that SOP
    /// instance from the outcome's <see cref="InstanceImportOutcome.BatchId"/>; any other (an instance the index never
    /// saw, or an older receipt since replaced by a re-sent instance) is ignored, since the index answers for the
    /// latest receipt only. Idempotent: recording a job's outcomes again leaves the same answers; of two outcomes for
    /// the same receipt the later <see cref="InstanceImportOutcome.RecordedAt"/> wins. Not all or nothing: a retry
    /// after a failure records the rest. Returns the storage commitments that the instances whose outcome was kept
    /// carry, so that the job can be told which commitments covered it.
    /// </summary>
    Task<IReadOnlyList<InstanceCommitment>> RecordOutcomesAsync(IReadOnlyList<InstanceImportOutcome> outcomes, CancellationToken cancellationToken);

    /// <summary>
    /// Records the storage commitment report delivered for each SOP instance, whether or not the index holds the
    /// instance yet: under the Durable policy a report may be delivered before the instance's batch is closed and
    /// recorded, so the commitment is kept and shows once <see cref="RecordAsync"/> records the instance; until then
    /// <see cref="FindAsync"/> and <see cref="ListByStudyAsync"/> do not show it. Of two commitments for one instance
    /// the later <see cref="InstanceCommitment.ReportedAt"/> wins; recording the same one again changes nothing. Not all
    /// or nothing: a retry after a failure records the rest. Returns the import outcomes that the recorded instances
    /// already carry, so that their jobs can be told which commitment covered them.
    /// </summary>
    Task<IReadOnlyList<InstanceImportOutcome>> RecordCommitmentsAsync(IReadOnlyList<InstanceCommitment> commitments, CancellationToken cancellationToken);

    /// <summary>The record of one SOP instance with its latest import outcome and commitment, or null when none was recorded.</summary>
    Task<ReceivedInstanceRecord?> FindAsync(string sopInstanceUid, CancellationToken cancellationToken);

    /// <summary>At most <paramref name="limit"/> instances of one study with their outcomes and commitments, oldest received first.</summary>
    Task<IReadOnlyList<ReceivedInstanceRecord>> ListByStudyAsync(string studyInstanceUid, int limit, CancellationToken cancellationToken);
}
