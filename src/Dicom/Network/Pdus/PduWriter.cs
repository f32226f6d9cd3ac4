using System.Buffers;
using System.Buffers.Binary;

namespace ImagingGateway.Dicom.Network.Pdus;

/// <summary>Writes PDUs straight into an <see cref="IBufferWriter{T}"/> with GetSpan / BinaryPrimitives / Advance.</summary>
public static class PduWriter
{
    /// <summary>A P-DATA-TF with one PDV (PS3.8 9.3.5) holding <paramref name="fragment"/>.</summary>
    public static void WriteDataTransfer(IBufferWriter<byte> output, byte contextId, bool isCommand, bool isLast, ReadOnlySpan<byte> fragment)
    {
        var span = output.GetSpan(DataTransferPdu.HeadersLength + fragment.Length);
        WriteDataTransferHeaders(span, contextId, isCommand, isLast, fragment.Length);
        fragment.CopyTo(span[DataTransferPdu.HeadersLength..]);
        output.Advance(DataTransferPdu.HeadersLength + fragment.Length);
    }

    /// <summary>
    /// Writes the PDU header and the PDV header for a single-PDV P-DATA-TF whose fragment of
    /// <paramref name="fragmentLength"/> bytes the caller places at <c>span[HeadersLength..]</c>.
    /// </summary>
    public static void WriteDataTransferHeaders(Span<byte> span, byte contextId, bool isCommand, bool isLast, int fragmentLength)
    {
        span[0] = (byte)PduType.DataTransfer;
        span[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(span[2..], (uint)(fragmentLength + DataTransferPdu.PdvHeaderLength));
        BinaryPrimitives.WriteUInt32BigEndian(span[6..], (uint)(fragmentLength + 2));
        span[10] = contextId;
        span[11] = (byte)((isCommand ? 1 : 0) | (isLast ? 2 : 0));
    }

    internal static void WriteFourByteBody(IBufferWriter<byte> output, PduType type, byte b0, byte b1, byte b2, byte b3)
    {
        var span = output.GetSpan(10);
        span[0] = (byte)type;
        span[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(span[2..], 4);
        span[6] = b0;
        span[7] = b1;
        span[8] = b2;
        span[9] = b3;
        output.Advance(10);
    }
}
