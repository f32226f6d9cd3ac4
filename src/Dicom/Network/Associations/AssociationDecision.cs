using ImagingGateway.Dicom.Network.Pdus;

namespace ImagingGateway.Dicom.Network.Associations;

/// <summary>Outcome of examining an A-ASSOCIATE-RQ: accept, or reject with the result/source/reason to send.</summary>
public sealed record AssociationDecision(AssociateRejectPdu? Rejection)
{
    public static AssociationDecision Accept { get; } = new((AssociateRejectPdu?)null);

    public bool IsAccepted => Rejection is null;

    public static AssociationDecision Reject(AssociateRejectResult result, AssociateRejectSource source, AssociateRejectReason reason) =>
        new(new AssociateRejectPdu(result, source, reason));
}
