namespace ImagingGateway.Dicom.Network.Pdus;

/// <summary>A-ASSOCIATE-RJ result (PS3.8 9.3.4, Table 9-21).</summary>
public enum AssociateRejectResult : byte
{
    RejectedPermanent = 1,
    RejectedTransient = 2,
}
