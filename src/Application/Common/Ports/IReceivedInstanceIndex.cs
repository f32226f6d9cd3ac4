namespace ImagingGateway.Application.Common.Ports;

/// <summary>
/// Answers "did SOP instance X arrive, and in which batch?" without reading manifests: one record per SOP Instance
/// UID, written once per closed batch (never per C-STORE). The batch manifests stay the source of truth; the index is
/// derived from them and may miss a batch whose indexing failed.
/// </summary>
public interface IReceivedInstanceIndex
{
    /// <summary>
    /// Records every instance of one closed batch, all or nothing (one transaction). A SOP instance already recorded
    /// is replaced, unless the recorded one was received later: a re-sent instance overwrites, latest wins, as the
    /// store overwrites its object.
    /// </summary>
    Task RecordAsync(IReadOnlyList<ReceivedInstanceRecord> instances, CancellationToken cancellationToken);

    /// <summary>The record of one SOP instance, or null when none was recorded.</summary>
    Task<ReceivedInstanceRecord?> FindAsync(string sopInstanceUid, CancellationToken cancellationToken);

    /// <summary>At most <paramref name="limit"/> instances of one study, oldest received first.</summary>
    Task<IReadOnlyList<ReceivedInstanceRecord>> ListByStudyAsync(string studyInstanceUid, int limit, CancellationToken cancellationToken);
}
