namespace ImagingGateway.Dicom.Network.Pdus;

/// <summary>
/// A PDU or item that violates PS3.8 9.3. Carries the A-ABORT reason (PS3.8 9.3.8) the receiver should send.
/// </summary>
public sealed class PduFormatException : Exception
{
    public PduFormatException()
        : this("Malformed PDU.")
    {
    }

    public PduFormatException(string message)
        : this(message, AbortReason.InvalidPduParameterValue)
    {
    }

    public PduFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = AbortReason.InvalidPduParameterValue;
    }

    public PduFormatException(string message, AbortReason reason)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>The provider abort reason to send to the peer.</summary>
    public AbortReason Reason { get; }
}
