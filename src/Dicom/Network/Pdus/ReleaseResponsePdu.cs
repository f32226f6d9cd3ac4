using System.Buffers;

namespace ImagingGateway.Dicom.Network.Pdus;

/// <summary>A-RELEASE-RP PDU (PS3.8 9.3.7): <c>06 | 00 | 00 00 00 04 | 00 00 00 00</c>.</summary>
public sealed record ReleaseResponsePdu
{
    public static ReleaseResponsePdu Instance { get; } = new();

    public static ReleaseResponsePdu Parse(ReadOnlySequence<byte> body)
    {
        new PduBodyReader(body).Skip(4);
        return Instance;
    }

    public void WriteTo(IBufferWriter<byte> output) => PduWriter.WriteFourByteBody(output, PduType.ReleaseResponse, 0, 0, 0, 0);
}
