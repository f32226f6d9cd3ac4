namespace ImagingGateway.Dicom.Network.Dimse;

/// <summary>Command group elements (PS3.7 E.1, Table E.1-1) as (group &lt;&lt; 16 | element).</summary>
public static class CommandTag
{
    public const uint CommandGroupLength = 0x0000_0000;
    public const uint AffectedSopClassUid = 0x0000_0002;
    public const uint RequestedSopClassUid = 0x0000_0003;
    public const uint CommandField = 0x0000_0100;
    public const uint MessageId = 0x0000_0110;
    public const uint MessageIdBeingRespondedTo = 0x0000_0120;
    public const uint MoveDestination = 0x0000_0600;
    public const uint Priority = 0x0000_0700;
    public const uint CommandDataSetType = 0x0000_0800;
    public const uint Status = 0x0000_0900;
    public const uint OffendingElement = 0x0000_0901;
    public const uint ErrorComment = 0x0000_0902;
    public const uint ErrorId = 0x0000_0903;
    public const uint AffectedSopInstanceUid = 0x0000_1000;
    public const uint RequestedSopInstanceUid = 0x0000_1001;
    public const uint EventTypeId = 0x0000_1002;
    public const uint ActionTypeId = 0x0000_1008;
    public const uint MoveOriginatorApplicationEntityTitle = 0x0000_1030;
    public const uint MoveOriginatorMessageId = 0x0000_1031;

    /// <summary>Command Data Set Type value meaning "no data set follows" (PS3.7 E.1).</summary>
    public const ushort NoDataSet = 0x0101;
}
