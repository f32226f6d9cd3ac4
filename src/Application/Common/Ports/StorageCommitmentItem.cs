namespace ImagingGateway.Application.Common.Ports;

/// <summary>
/// One referenced instance of a commitment request and, once decided, its outcome: committed (no reason) or failed with
/// a PS3.3 C.14.1.1 Failure Reason; <see cref="BatchId"/> is the batch that holds a committed instance.
/// </summary>
public sealed record StorageCommitmentItem(
    string SopClassUid,
    string SopInstanceUid,
    bool Decided = false,
    ushort? FailureReason = null,
    string? BatchId = null);
