namespace ImagingGateway.Dicom.Network.Dimse.Store;

/// <summary>C-STORE-RQ and C-STORE-RSP command sets (PS3.7 9.3.1).</summary>
public static class StoreMessages
{
    public static CommandSet CreateRequest(ushort messageId, string sopClassUid, string sopInstanceUid, ushort priority = 0,
        string? moveOriginatorAeTitle = null, ushort? moveOriginatorMessageId = null) => new()
    {
        AffectedSopClassUid = sopClassUid,
        CommandField = CommandField.CStoreRequest,
        MessageId = messageId,
        Priority = priority,
        HasDataSet = true,
        AffectedSopInstanceUid = sopInstanceUid,
        MoveOriginatorApplicationEntityTitle = moveOriginatorAeTitle,
        MoveOriginatorMessageId = moveOriginatorMessageId,
    };

    public static CommandSet CreateResponse(CommandSet request, DimseStatus status, string? errorComment = null)
    {
        var response = new CommandSet
        {
            CommandField = CommandField.CStoreResponse,
            MessageIdBeingRespondedTo = request.MessageId,
            HasDataSet = false,
            Status = status,
        };
        if (request.AffectedSopClassUid is { } sopClass)
        {
            response.AffectedSopClassUid = sopClass;
        }

        if (request.AffectedSopInstanceUid is { } sopInstance)
        {
            response.AffectedSopInstanceUid = sopInstance;
        }

        if (errorComment is not null && !status.IsSuccess)
        {
            response.ErrorComment = errorComment;
        }

        return response;
    }
}
