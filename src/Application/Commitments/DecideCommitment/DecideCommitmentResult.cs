using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Dicom.Network.Dimse.Commitment;

namespace ImagingGateway.Application.Commitments.DecideCommitment;

/// <summary>The request with its decisions, and the report to send (null while some instance cannot be decided yet).</summary>
public sealed record DecideCommitmentResult(StorageCommitmentRecord Record, StorageCommitmentResult? Report);
