using ImagingGateway.Application.Commitments.RequestCommitment;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Server;
using ImagingGateway.Gateway.Hosting;
using ImagingGateway.Gateway.Observability;
using Mediator;

namespace ImagingGateway.Gateway.Dicom;

/// <summary>
/// Translates a storage commitment N-ACTION into RequestCommitment: once the request is recorded (so it survives a
/// restart) the N-ACTION is answered 0000 and, while its report is owed, the association is remembered as the way back
/// and the reporter is woken.
/// </summary>
public sealed partial class CommitmentBridge(ISender sender, CommitmentChannels channels, CommitmentReporter reporter, GatewayMetrics metrics, ILogger<CommitmentBridge> logger)
{
    public async ValueTask<DimseStatus> RequestAsync(StorageCommitmentRequestContext context, CancellationToken cancellationToken)
    {
        var association = context.Association;
        RequestCommitmentResult result;
        try
        {
            result = await sender.Send(new RequestCommitmentCommand(context.Request.TransactionUid, association.CallingAeTitle, association.CalledAeTitle,
                association.AssociationId, context.Request.References), cancellationToken);
        }
        catch (RequestValidationException e)
        {
            LogRefused(logger, association.AssociationId, e.Message);
            return DimseStatus.InvalidArgumentValue;
        }

        if (result.IsNew)
        {
            metrics.CommitmentRequested(result.Record.Items.Count);
        }

        LogRequested(logger, association.AssociationId, result.Record.TransactionUid, result.Record.Items.Count, result.IsNew);
        if (result.Record.State == StorageCommitmentState.Pending)
        {
            channels.Register(result.Record.TransactionUid, context.Channel);
            reporter.Wake();
        }

        return DimseStatus.Success;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Association {AssociationId}: storage commitment {TransactionUid} requested for {Count} instances (new: {IsNew})")]
    private static partial void LogRequested(ILogger logger, string associationId, string transactionUid, int count, bool isNew);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Association {AssociationId}: storage commitment request refused: {Detail}")]
    private static partial void LogRefused(ILogger logger, string associationId, string detail);
}
