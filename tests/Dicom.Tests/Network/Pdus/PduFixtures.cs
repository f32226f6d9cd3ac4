using ImagingGateway.Dicom.Tests.Network.TestSupport;

namespace ImagingGateway.Dicom.Tests.Network.Pdus;

/// <summary>Byte-exact PDUs. The A-ASSOCIATE-RQ was captured from DCMTK 3.6.7 echoscu.</summary>
public static class PduFixtures
{
    /// <summary>echoscu's A-ASSOCIATE-RQ: ANY-SCP / ECHOSCU, Verification in Implicit VR LE, max PDU 16384, DCMTK implementation.</summary>
    public static readonly byte[] EchoscuAssociateRequest = Hex.Parse("""
        0100000000cd00010000414e592d5343502020202020202020204543484f534355202020202020202020
        0000000000000000000000000000000000000000000000000000000000000000
        10000015312e322e3834302e31303030382e332e312e312e31
        2000002e0100ff00 30000011312e322e3834302e31303030382e312e31 40000011312e322e3834302e31303030382e312e32
        5000003a 5100000400004000 5200001b312e322e3237362e302e373233303031302e332e302e332e362e37 5500000f4f464649535f44434d544b5f333637
        """);

    /// <summary>The same request as we encode it: the reserved bytes of the presentation context item are zero.</summary>
    public static byte[] EchoscuAssociateRequestCanonical
    {
        get
        {
            var copy = (byte[])EchoscuAssociateRequest.Clone();
            copy[0x69] = 0x00;
            return copy;
        }
    }

    /// <summary>A-ASSOCIATE-AC answering it: context 1 accepted with Implicit VR LE, max PDU 0x40000, async window 1/1.</summary>
    public static readonly byte[] AssociateAccept = Hex.Parse("""
        020000000000
        00010000414e592d5343502020202020202020204543484f534355202020202020202020
        0000000000000000000000000000000000000000000000000000000000000000
        10000015312e322e3834302e31303030382e332e312e312e31
        21000019 01000000 40000011312e322e3834302e31303030382e312e32
        5000001f 5100000400040000 52000003312e32 53000004 00010001 5500000449474757
        """).WithPduLength();

    public static readonly byte[] AssociateReject = Hex.Parse("03 00 00000004 00 01 01 07");

    public static readonly byte[] ReleaseRequest = Hex.Parse("05 00 00000004 00000000");

    public static readonly byte[] ReleaseResponse = Hex.Parse("06 00 00000004 00000000");

    public static readonly byte[] Abort = Hex.Parse("07 00 00000004 0000 02 06");

    /// <summary>P-DATA-TF with two PDVs: a last command fragment of 4 bytes on context 1, then a data set fragment of 3 bytes.</summary>
    public static readonly byte[] DataTransfer = Hex.Parse("04 00 00000013 00000006 01 03 01020304 00000005 01 00 0a0b0c");

    private static byte[] WithPduLength(this byte[] pdu)
    {
        var length = pdu.Length - 6;
        pdu[2] = (byte)(length >> 24);
        pdu[3] = (byte)(length >> 16);
        pdu[4] = (byte)(length >> 8);
        pdu[5] = (byte)length;
        return pdu;
    }
}
