using System.Buffers;

namespace ImagingGateway.Dicom.Network.Pdus;

/// <summary>
/// One presentation data value item of a P-DATA-TF PDU (PS3.8 9.3.5.1, Annex E.2):
/// <code>
/// item length (UInt32 BE) | context id | message control header | fragment (item length - 2)
/// message control header: bit 0 = 1 command / 0 data set; bit 1 = 1 last fragment
/// </code>
/// <see cref="Fragment"/> is a slice of the pipe buffer: valid until the reader advances.
/// </summary>
public readonly record struct PresentationDataValue(byte PresentationContextId, bool IsCommand, bool IsLastFragment, ReadOnlySequence<byte> Fragment);
