using Mediator;

namespace ImagingGateway.Application.Commitments.GetCommitment;

/// <summary>One storage commitment request by its Transaction UID; null when there is none.</summary>
public sealed record GetCommitmentQuery(string TransactionUid) : IQuery<StorageCommitmentDto?>;
