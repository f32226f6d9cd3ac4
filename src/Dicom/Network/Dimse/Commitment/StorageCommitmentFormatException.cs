namespace ImagingGateway.Dicom.Network.Dimse.Commitment;

/// <summary>A storage commitment data set that does not follow PS3.4 J.3; <see cref="IsMissing"/> when a required attribute is absent.</summary>
public sealed class StorageCommitmentFormatException(string message, bool isMissing = false) : FormatException(message)
{
    public bool IsMissing { get; } = isMissing;
}
