namespace ImagingGateway.Dicom.Network.Dimse;

/// <summary>Command Field (0000,0100) values (PS3.7 E.1). A response is its request with bit 15 set.</summary>
public enum CommandField : ushort
{
    CStoreRequest = 0x0001,
    CStoreResponse = 0x8001,
    CGetRequest = 0x0010,
    CFindRequest = 0x0020,
    CMoveRequest = 0x0021,
    CEchoRequest = 0x0030,
    CEchoResponse = 0x8030,
    CCancelRequest = 0x0FFF,
    NEventReportRequest = 0x0100,
    NEventReportResponse = 0x8100,
    NActionRequest = 0x0130,
    NActionResponse = 0x8130,
}
