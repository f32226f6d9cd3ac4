namespace ImagingGateway.Dicom.Network.Dimse.Store;

/// <summary>
/// What a store sink answers for one C-STORE: the status, and for a failure or warning the reason the sender reads in
/// Error Comment (0000,0902), which PS3.7 C.4.2 limits to 64 characters (the command set enforces that).
/// </summary>
public readonly record struct StoreOutcome(DimseStatus Status, string? ErrorComment = null);
