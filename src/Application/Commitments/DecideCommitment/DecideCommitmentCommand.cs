using Mediator;

namespace ImagingGateway.Application.Commitments.DecideCommitment;

/// <summary>Decides each instance of a pending commitment request by the configured policy and records the decisions.</summary>
public sealed record DecideCommitmentCommand(string TransactionUid) : ICommand<DecideCommitmentResult>;
