namespace ImagingGateway.Dicom.Network.Pdus.Items;

/// <summary>User identity type of sub-item 0x58 (PS3.7 D.3.3.7.1).</summary>
public enum UserIdentityType : byte
{
    Username = 1,
    UsernameAndPasscode = 2,
    KerberosServiceTicket = 3,
    SamlAssertion = 4,
    JsonWebToken = 5,
}
