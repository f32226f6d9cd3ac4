namespace ImagingGateway.Dicom.Network.Pdus;

/// <summary>A-ASSOCIATE-RJ source (PS3.8 9.3.4, Table 9-21).</summary>
public enum AssociateRejectSource : byte
{
    /// <summary>DICOM UL service-user.</summary>
    ServiceUser = 1,

    /// <summary>DICOM UL service-provider (ACSE related function).</summary>
    ServiceProviderAcse = 2,

    /// <summary>DICOM UL service-provider (presentation related function).</summary>
    ServiceProviderPresentation = 3,
}
