namespace ImagingGateway.Application.Common.Ports;

/// <summary>
/// One storage commitment request: who asked (calling AE, association), which instances, and how far its report got.
/// <see cref="NextAttemptAt"/> is when the reporter next tries; <see cref="ReportedVia"/> says which association carried it.
/// </summary>
public sealed record StorageCommitmentRecord(
    string TransactionUid,
    string CallingAeTitle,
    string CalledAeTitle,
    string AssociationId,
    DateTimeOffset RequestedAt,
    IReadOnlyList<StorageCommitmentItem> Items,
    StorageCommitmentState State,
    DateTimeOffset NextAttemptAt,
    int Attempts = 0,
    DateTimeOffset? ReportedAt = null,
    string? ReportedVia = null,
    string? LastError = null);
