namespace ImagingGateway.Dicom.Network.Pdus.Items;

/// <summary>
/// Presentation context item of an A-ASSOCIATE-RQ (PS3.8 9.3.2.2):
/// <code>
/// 0x20 | 00 | length (UInt16) | context id (odd) | 00 00 00 | abstract syntax sub-item (0x30) | transfer syntax sub-items (0x40)...
/// </code>
/// </summary>
public sealed record PresentationContextRequestItem(byte Id, string AbstractSyntax, IReadOnlyList<string> TransferSyntaxes);
