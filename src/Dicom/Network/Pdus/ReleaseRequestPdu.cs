using System.Buffers;

namespace ImagingGateway.Dicom.Network.Pdus;

/// <summary>A-RELEASE-RQ PDU (PS3.8 9.3.6): <c>05 | 00 | 00 00 00 04 | 00 00 00 00</c>.</summary>
public sealed record ReleaseRequestPdu
{
    public static ReleaseRequestPdu Instance { get; } = new();

    public static ReleaseRequestPdu Parse(ReadOnlySequence<byte> body)
    {
        new PduBodyReader(body).Skip(4);
        return Instance;
    }

    public void WriteTo(IBufferWriter<byte> output) => PduWriter.WriteFourByteBody(output, PduType.ReleaseRequest, 0, 0, 0, 0);
}
