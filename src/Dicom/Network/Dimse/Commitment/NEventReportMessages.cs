namespace ImagingGateway.Dicom.Network.Dimse.Commitment;

/// <summary>N-EVENT-REPORT-RQ and N-EVENT-REPORT-RSP command sets (PS3.7 10.1.1, Tables 10.1-1 and 10.1-2).</summary>
public static class NEventReportMessages
{
    public static CommandSet CreateRequest(ushort messageId, string affectedSopClassUid, string affectedSopInstanceUid, ushort eventTypeId) => new()
    {
        AffectedSopClassUid = affectedSopClassUid,
        CommandField = CommandField.NEventReportRequest,
        MessageId = messageId,
        HasDataSet = true,
        AffectedSopInstanceUid = affectedSopInstanceUid,
        EventTypeId = eventTypeId,
    };

    public static CommandSet CreateResponse(CommandSet request, DimseStatus status)
    {
        var response = new CommandSet
        {
            AffectedSopClassUid = request.AffectedSopClassUid,
            CommandField = CommandField.NEventReportResponse,
            MessageIdBeingRespondedTo = request.MessageId,
            HasDataSet = false,
            Status = status,
            AffectedSopInstanceUid = request.AffectedSopInstanceUid,
        };
        if (status.IsSuccess)
        {
            response.EventTypeId = request.EventTypeId;
        }

        return response;
    }
}
