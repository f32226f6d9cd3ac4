using ImagingGateway.Dicom.Network.Associations;

namespace ImagingGateway.Dicom.Network.Dimse.Echo;

/// <summary>C-ECHO-RQ and C-ECHO-RSP command sets (PS3.7 9.3.5).</summary>
public static class EchoMessages
{
    public static CommandSet CreateRequest(ushort messageId)
    {
        var command = new CommandSet
        {
            AffectedSopClassUid = NetworkUids.Verification,
            CommandField = CommandField.CEchoRequest,
            MessageId = messageId,
            HasDataSet = false,
        };
        return command;
    }

    public static CommandSet CreateResponse(CommandSet request, DimseStatus status) => new()
    {
        AffectedSopClassUid = request.AffectedSopClassUid ?? NetworkUids.Verification,
        CommandField = CommandField.CEchoResponse,
        MessageIdBeingRespondedTo = request.MessageId,
        HasDataSet = false,
        Status = status,
    };
}
