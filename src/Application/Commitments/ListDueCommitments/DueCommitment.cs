namespace ImagingGateway.Application.Commitments.ListDueCommitments;

/// <summary>A request due for a report, with the next attempt time it was listed with (what ClaimCommitment expects).</summary>
public sealed record DueCommitment(string TransactionUid, DateTimeOffset NextAttemptAt);
