namespace ImagingGateway.Application.Common.Ports;

/// <summary>
/// The storage commitment report (PS3.4 J.3.3) that last answered for one SOP instance: its Transaction UID, and
/// committed (no reason) or failed with a PS3.3 C.14.1.1 Failure Reason, as delivered to the requester at
/// <see cref="ReportedAt"/>.
/// </summary>
public sealed record InstanceCommitment(
    string SopInstanceUid,
    string TransactionUid,
    ushort? FailureReason,
    DateTimeOffset ReportedAt)
{
    public bool Committed => FailureReason is null;
}
