namespace ImagingGateway.Dicom.Network.Pdus.Items;

/// <summary>
/// SCP/SCU role selection sub-item 0x54 (PS3.7 D.3.3.4):
/// <code>
/// 0x54 | 00 | length | UID length (UInt16) | SOP class UID | SCU role (0/1) | SCP role (0/1)
/// </code>
/// </summary>
public sealed record RoleSelectionItem(string SopClassUid, bool ScuRole, bool ScpRole);
