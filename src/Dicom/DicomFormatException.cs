using ImagingGateway.Dicom.Reading;

namespace ImagingGateway.Dicom;

/// <summary>Input is not valid DICOM; <see cref="Error"/> says what and where.</summary>
public sealed class DicomFormatException : Exception
{
    public DicomFormatException()
        : this(new DicomReadError("Invalid DICOM data", 0))
    {
    }

    public DicomFormatException(string message)
        : this(new DicomReadError(message, 0))
    {
    }

    public DicomFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = new DicomReadError(message, 0);
    }

    public DicomFormatException(DicomReadError error)
        : base(error.ToString())
    {
        Error = error;
    }

    public DicomReadError Error { get; }
}
