namespace ImagingGateway.Dicom.Network.Pdus;

/// <summary>
/// A-ASSOCIATE-RJ reason/diag (PS3.8 9.3.4, Table 9-21). The numeric value depends on the source, hence the
/// overlapping names: service-user reasons 1, 2, 3, 7; ACSE provider 1, 2; presentation provider 1, 2.
/// </summary>
#pragma warning disable CA1069 // the standard reuses values across sources
public enum AssociateRejectReason : byte
{
    NoReasonGiven = 1,
    ApplicationContextNameNotSupported = 2,
    CallingAeTitleNotRecognized = 3,
    CalledAeTitleNotRecognized = 7,

    /// <summary>Source 2 (ACSE provider) reason 2.</summary>
    ProtocolVersionNotSupported = 2,

    /// <summary>Source 3 (presentation provider) reason 1.</summary>
    TemporaryCongestion = 1,

    /// <summary>Source 3 (presentation provider) reason 2.</summary>
    LocalLimitExceeded = 2,
}
#pragma warning restore CA1069
