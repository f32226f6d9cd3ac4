namespace ImagingGateway.Dicom.Network.Dimse.Commitment;

/// <summary>N-ACTION-RQ and N-ACTION-RSP command sets (PS3.7 10.1.4, Tables 10.1-4 and 10.1-5).</summary>
public static class NActionMessages
{
    public static CommandSet CreateRequest(ushort messageId, string requestedSopClassUid, string requestedSopInstanceUid, ushort actionTypeId) => new()
    {
        RequestedSopClassUid = requestedSopClassUid,
        CommandField = CommandField.NActionRequest,
        MessageId = messageId,
        HasDataSet = true,
        RequestedSopInstanceUid = requestedSopInstanceUid,
        ActionTypeId = actionTypeId,
    };

    /// <summary>The response names the SOP class and instance acted on as Affected (0000,0002 / 0000,1000); no data set follows.</summary>
    public static CommandSet CreateResponse(CommandSet request, DimseStatus status, string? errorComment = null)
    {
        var response = new CommandSet
        {
            AffectedSopClassUid = request.RequestedSopClassUid,
            CommandField = CommandField.NActionResponse,
            MessageIdBeingRespondedTo = request.MessageId,
            HasDataSet = false,
            Status = status,
            AffectedSopInstanceUid = request.RequestedSopInstanceUid,
        };
        if (status.IsSuccess)
        {
            response.ActionTypeId = request.ActionTypeId;
        }
        else if (errorComment is not null)
        {
            response.ErrorComment = errorComment;
        }

        return response;
    }
}
