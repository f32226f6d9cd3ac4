namespace ImagingGateway.Dicom.Network.Client;

/// <summary>One C-STORE's data set ready to go: the accepted context it is sent on and exactly <see cref="Length"/> bytes to read.</summary>
internal sealed record StoreSource(byte ContextId, string SopClassUid, string SopInstanceUid, Stream DataSet, long Length);
