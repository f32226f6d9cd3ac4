namespace ImagingGateway.Dicom.Network.Pdus.Items;

/// <summary>
/// User identity negotiation sub-item 0x58 of an A-ASSOCIATE-RQ (PS3.7 D.3.3.7.1):
/// <code>
/// 0x58 | 00 | length | type | positive response requested | primary length (UInt16) | primary | secondary length | secondary
/// </code>
/// </summary>
public sealed record UserIdentityRequestItem(
    UserIdentityType Type,
    bool PositiveResponseRequested,
    byte[] PrimaryField,
    byte[] SecondaryField);
