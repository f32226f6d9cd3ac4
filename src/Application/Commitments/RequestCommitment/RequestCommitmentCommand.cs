using ImagingGateway.Dicom.Network.Dimse.Commitment;
using Mediator;

namespace ImagingGateway.Application.Commitments.RequestCommitment;

/// <summary>A storage commitment request received in an N-ACTION (PS3.4 J.3.2): recorded as pending, its report owed.</summary>
public sealed record RequestCommitmentCommand(
    string TransactionUid,
    string CallingAeTitle,
    string CalledAeTitle,
    string AssociationId,
    IReadOnlyList<ReferencedSop> References) : ICommand<RequestCommitmentResult>;
