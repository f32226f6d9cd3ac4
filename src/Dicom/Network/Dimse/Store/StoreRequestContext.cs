using ImagingGateway.Dicom.Network.Associations;

namespace ImagingGateway.Dicom.Network.Dimse.Store;

/// <summary>Everything known about one incoming C-STORE before its data set arrives (PS3.7 9.1.1.1).</summary>
public sealed record StoreRequestContext(
    AssociationInfo Association,
    byte PresentationContextId,
    string SopClassUid,
    string SopInstanceUid,
    string TransferSyntaxUid,
    ushort MessageId,
    ushort Priority,
    string? MoveOriginatorAeTitle,
    ushort? MoveOriginatorMessageId)
{
    public string AssociationId => Association.AssociationId;

    public string CallingAeTitle => Association.CallingAeTitle;

    public string CalledAeTitle => Association.CalledAeTitle;
}
