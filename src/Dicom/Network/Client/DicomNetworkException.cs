using ImagingGateway.Dicom.Network.Pdus;

namespace ImagingGateway.Dicom.Network.Client;

/// <summary>The association failed on the SCU side: rejected, aborted, or the transport was lost.</summary>
public sealed class DicomNetworkException : Exception
{
    public DicomNetworkException()
    {
    }

    public DicomNetworkException(string message)
        : base(message)
    {
    }

    public DicomNetworkException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DicomNetworkException(string message, AssociateRejectPdu rejection)
        : base(message)
    {
        Rejection = rejection;
    }

    public DicomNetworkException(string message, AbortPdu abort)
        : base(message)
    {
        Abort = abort;
    }

    /// <summary>Set when the association was rejected.</summary>
    public AssociateRejectPdu? Rejection { get; }

    /// <summary>Set when the peer aborted the association.</summary>
    public AbortPdu? Abort { get; }
}
