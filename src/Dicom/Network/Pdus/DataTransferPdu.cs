using System.Buffers;

namespace ImagingGateway.Dicom.Network.Pdus;

/// <summary>
/// P-DATA-TF PDU (PS3.8 9.3.5): <c>04 | 00 | length (UInt32) | PDV items...</c>. Not materialized: the body is
/// walked with <see cref="TryReadNext"/>, which hands out fragments as slices of the body.
/// </summary>
public static class DataTransferPdu
{
    /// <summary>Size of a PDU header plus one PDV item header.</summary>
    public const int HeadersLength = PduReader.HeaderLength + PdvHeaderLength;

    /// <summary>PDV item length (4), context id (1), message control header (1).</summary>
    public const int PdvHeaderLength = 6;

    /// <summary>Takes the next PDV from the front of <paramref name="body"/>; false when the body is exhausted.</summary>
    /// <exception cref="PduFormatException">A PDV shorter than 2 bytes or longer than the rest of the PDU.</exception>
    public static bool TryReadNext(ref ReadOnlySequence<byte> body, out PresentationDataValue value)
    {
        value = default;
        if (body.IsEmpty)
        {
            return false;
        }

        var reader = new PduBodyReader(body);
        var length = reader.ReadUInt32();
        if (length < 2 || length > reader.Remaining)
        {
            throw new PduFormatException($"PDV item length {length} does not fit the {reader.Remaining} bytes left in the P-DATA-TF.", AbortReason.InvalidPduParameterValue);
        }

        var contextId = reader.ReadByte();
        var header = reader.ReadByte();
        if (contextId % 2 == 0 || (header & 0xFC) != 0)
        {
            throw new PduFormatException($"Invalid PDV context id {contextId} or message control header 0x{header:X2}.", AbortReason.InvalidPduParameterValue);
        }

        var fragment = reader.ReadSlice(length - 2);
        value = new PresentationDataValue(contextId, (header & 1) != 0, (header & 2) != 0, fragment);
        body = body.Slice(fragment.End);
        return true;
    }

    /// <summary>Counts the PDVs without keeping them: a cheap way to validate a whole P-DATA body.</summary>
    public static int Validate(ReadOnlySequence<byte> body)
    {
        var count = 0;
        while (TryReadNext(ref body, out _))
        {
            count++;
        }

        if (count == 0)
        {
            throw new PduFormatException("P-DATA-TF without any PDV item.", AbortReason.InvalidPduParameterValue);
        }

        return count;
    }
}
