namespace ImagingGateway.Dicom.Network.Pdus.Items;

/// <summary>User identity negotiation sub-item 0x59 of an A-ASSOCIATE-AC (PS3.7 D.3.3.7.2): length, server response.</summary>
public sealed record UserIdentityAcceptItem(byte[] ServerResponse);
