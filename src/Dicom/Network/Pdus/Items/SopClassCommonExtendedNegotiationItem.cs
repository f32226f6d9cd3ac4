namespace ImagingGateway.Dicom.Network.Pdus.Items;

/// <summary>
/// SOP class common extended negotiation sub-item 0x57 (PS3.7 D.3.3.6):
/// <code>
/// 0x57 | 00 | length | UID length | SOP class UID | UID length | service class UID | list length | (UID length | UID)...
/// </code>
/// </summary>
public sealed record SopClassCommonExtendedNegotiationItem(
    string SopClassUid,
    string ServiceClassUid,
    IReadOnlyList<string> RelatedGeneralSopClassUids);
