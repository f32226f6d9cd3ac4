using System.Buffers;

namespace ImagingGateway.Dicom.Network.Pdus;

/// <summary>
/// A-ASSOCIATE-RJ PDU (PS3.8 9.3.4):
/// <code>
/// 03 | 00 | 00 00 00 04 | 00 | result | source | reason/diag
/// </code>
/// </summary>
public sealed record AssociateRejectPdu(AssociateRejectResult Result, AssociateRejectSource Source, AssociateRejectReason Reason)
{
    public static AssociateRejectPdu Parse(ReadOnlySequence<byte> body)
    {
        var reader = new PduBodyReader(body);
        reader.Skip(1);
        var result = reader.ReadByte();
        var source = reader.ReadByte();
        var reason = reader.ReadByte();
        if (result is < 1 or > 2 || source is < 1 or > 3)
        {
            throw new PduFormatException($"Invalid A-ASSOCIATE-RJ result {result} or source {source}.", AbortReason.InvalidPduParameterValue);
        }

        return new AssociateRejectPdu((AssociateRejectResult)result, (AssociateRejectSource)source, (AssociateRejectReason)reason);
    }

    public void WriteTo(IBufferWriter<byte> output) =>
        PduWriter.WriteFourByteBody(output, PduType.AssociateReject, 0, (byte)Result, (byte)Source, (byte)Reason);
}
