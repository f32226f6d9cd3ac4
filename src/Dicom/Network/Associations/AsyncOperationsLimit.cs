namespace ImagingGateway.Dicom.Network.Associations;

/// <summary>Operations invoked / performed that an SCP is willing to have outstanding.</summary>
public sealed record AsyncOperationsLimit(ushort Invoked, ushort Performed);
