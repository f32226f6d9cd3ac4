namespace ImagingGateway.Dicom.Network.Dimse;

/// <summary>A command set that is not valid Implicit VR Little Endian group 0000 (PS3.7 6.3.1, 9.3).</summary>
public sealed class DimseFormatException : Exception
{
    public DimseFormatException()
    {
    }

    public DimseFormatException(string message)
        : base(message)
    {
    }

    public DimseFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
