using ImagingGateway.Application.Common.Ports;

namespace ImagingGateway.Application.Commitments.RequestCommitment;

/// <summary>The recorded request; <see cref="IsNew"/> is false when the Transaction UID was already known (a repeated N-ACTION).</summary>
public sealed record RequestCommitmentResult(StorageCommitmentRecord Record, bool IsNew);
