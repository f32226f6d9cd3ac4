using ImagingGateway.Dicom.Network.Dimse;

namespace ImagingGateway.Dicom.Network.Client;

/// <summary>
/// Outcome of sending one file: the peer's status, or the error that kept it from being sent; <see cref="Length"/> is
/// the file's size in bytes (0 when it could not be read), for progress.
/// </summary>
public sealed record StoreResult(string Path, string? SopInstanceUid, DimseStatus? Status, string? Error, long Length = 0)
{
    public bool Succeeded => Status is { IsFailure: false };
}
