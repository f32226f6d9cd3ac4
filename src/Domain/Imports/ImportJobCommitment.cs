namespace ImagingGateway.Domain.Imports;

/// <summary>
/// One storage commitment transaction (PS3.4 J.3) that covered instances of an import job: how many of the job's
/// instances its delivered report named committed and failed, and when it was delivered.
/// </summary>
public sealed record ImportJobCommitment(string TransactionUid, int Committed, int Failed, DateTimeOffset ReportedAt)
{
    /// <summary>
    /// Whether this count of the same transaction replaces <paramref name="stored"/>: the one that saw more of the job's
    /// instances wins (the report's side and the job's side each count what they see, and one may see only part while
    /// they race), and of equal counts the later report. Recording the same count again changes nothing.
    /// </summary>
    public bool Supersedes(ImportJobCommitment stored) =>
        Committed + Failed > stored.Committed + stored.Failed
        || (Committed + Failed == stored.Committed + stored.Failed && ReportedAt >= stored.ReportedAt);
}
