using System.Buffers;

namespace ImagingGateway.Dicom.Network.Pdus;

/// <summary>
/// A-ABORT PDU (PS3.8 9.3.8):
/// <code>
/// 07 | 00 | 00 00 00 04 | 00 | 00 | source | reason/diag
/// </code>
/// </summary>
public sealed record AbortPdu(AbortSource Source, AbortReason Reason)
{
    public static AbortPdu Parse(ReadOnlySequence<byte> body)
    {
        var reader = new PduBodyReader(body);
        reader.Skip(2);
        var source = reader.ReadByte();
        var reason = reader.ReadByte();
        if (source > 2)
        {
            throw new PduFormatException($"Invalid A-ABORT source {source}.", AbortReason.InvalidPduParameterValue);
        }

        return new AbortPdu((AbortSource)source, (AbortReason)reason);
    }

    public void WriteTo(IBufferWriter<byte> output) => PduWriter.WriteFourByteBody(output, PduType.Abort, 0, 0, (byte)Source, (byte)Reason);
}
