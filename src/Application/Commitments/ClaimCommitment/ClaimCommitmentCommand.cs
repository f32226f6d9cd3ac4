using Mediator;

namespace ImagingGateway.Application.Commitments.ClaimCommitment;

/// <summary>
/// Claims a due request for this reporter before it decides and reports it, so that of several Gateway tasks sharing
/// the repository one works it. True when claimed; false when another reporter moved it on since it was listed with
/// <paramref name="ExpectedNextAttemptAt"/>.
/// </summary>
public sealed record ClaimCommitmentCommand(string TransactionUid, DateTimeOffset ExpectedNextAttemptAt) : ICommand<bool>;
