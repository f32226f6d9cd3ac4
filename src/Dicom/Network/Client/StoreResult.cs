using ImagingGateway.Dicom.Network.Dimse;

namespace ImagingGateway.Dicom.Network.Client;

/// <summary>Outcome of sending one file: the peer's status, or the error that kept it from being sent.</summary>
public sealed record StoreResult(string Path, string? SopInstanceUid, DimseStatus? Status, string? Error)
{
    public bool Succeeded => Status is { IsFailure: false };
}
