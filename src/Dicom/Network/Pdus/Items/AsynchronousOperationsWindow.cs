namespace ImagingGateway.Dicom.Network.Pdus.Items;

/// <summary>Asynchronous operations window sub-item 0x53 (PS3.7 D.3.3.3): two UInt16, 0 meaning unlimited.</summary>
public sealed record AsynchronousOperationsWindow(ushort MaximumOperationsInvoked, ushort MaximumOperationsPerformed);
