namespace ImagingGateway.Dicom.Network.Pdus.Items;

/// <summary>
/// Presentation context item of an A-ASSOCIATE-AC (PS3.8 9.3.3.2):
/// <code>
/// 0x21 | 00 | length (UInt16) | context id | 00 | result/reason | 00 | transfer syntax sub-item (0x40)
/// </code>
/// The transfer syntax is not significant unless the result is acceptance.
/// </summary>
public sealed record PresentationContextAcceptItem(byte Id, PresentationContextResult Result, string TransferSyntax);
