namespace ImagingGateway.Dicom.Network.Pdus;

/// <summary>A-ABORT reason/diag field, meaningful when the source is the service provider (PS3.8 9.3.8).</summary>
public enum AbortReason : byte
{
    NotSpecified = 0,
    UnrecognizedPdu = 1,
    UnexpectedPdu = 2,
    Reserved = 3,
    UnrecognizedPduParameter = 4,
    UnexpectedPduParameter = 5,
    InvalidPduParameterValue = 6,
}
