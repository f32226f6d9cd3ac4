namespace ImagingGateway.Dicom.Network.Pdus.Items;

/// <summary>
/// SOP class extended negotiation sub-item 0x56 (PS3.7 D.3.3.5): UID length, SOP class UID, then the
/// service-class-application-information bytes to the end of the item.
/// </summary>
public sealed record SopClassExtendedNegotiationItem(string SopClassUid, byte[] ServiceClassApplicationInformation);
