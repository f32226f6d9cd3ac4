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
    /// Records every instance of one closed batch, all or nothing (one transaction). A SOP instance already recorded
    /// is replaced, unless the recorded one was received later: a re-sent instance overwrites, latest wins, as the
    /// store overwrites its object. A replacement from another batch has no import outcome until that batch's job
    /// records one; recording the same batch again keeps the outcome it has. The records' own
    /// <see cref="ReceivedInstanceRecord.ImportOutcome"/> is ignored (outcomes come only from
    /// <see cref="RecordOutcomesAsync"/>).
    /// </summary>
    Task RecordAsync(IReadOnlyList<ReceivedInstanceRecord> instances, CancellationToken cancellationToken);

    /// <summary>
    /// Records where the import of each instance landed. An outcome is kept only when the index holds that SOP
    /// instance from the outcome's <see cref="InstanceImportOutcome.BatchId"/>; any other (an instance the index never
    /// saw, or an older receipt since replaced by a re-sent instance) is ignored, since the index answers for the
    /// latest receipt only. Idempotent: recording a job's outcomes again leaves the same answers; of two outcomes for
    /// the same receipt the later <see cref="InstanceImportOutcome.RecordedAt"/> wins. Not all or nothing: a retry
    /// after a failure records the rest.
    /// </summary>
    Task RecordOutcomesAsync(IReadOnlyList<InstanceImportOutcome> outcomes, CancellationToken cancellationToken);

    /// <summary>The record of one SOP instance with its latest import outcome, or null when none was recorded.</summary>
    Task<ReceivedInstanceRecord?> FindAsync(string sopInstanceUid, CancellationToken cancellationToken);

    /// <summary>At most <paramref name="limit"/> instances of one study with their outcomes, oldest received first.</summary>
    Task<IReadOnlyList<ReceivedInstanceRecord>> ListByStudyAsync(string studyInstanceUid, int limit, CancellationToken cancellationToken);
}
