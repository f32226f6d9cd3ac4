using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Dimse.Commitment;

namespace ImagingGateway.Dicom.Network.Server;

/// <summary>The way back to a storage commitment requestor on its own association: opens once the N-ACTION-RSP is sent.</summary>
internal sealed class ScpEventReportChannel(ScpAssociation association, byte contextId, string transferSyntaxUid) : IEventReportChannel
{
    private readonly TaskCompletionSource _responseSent = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ResponseSent() => _responseSent.TrySetResult();

    public async Task<DimseStatus?> TrySendAsync(StorageCommitmentResult result, CancellationToken cancellationToken)
    {
        await _responseSent.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        var request = NEventReportMessages.CreateRequest(0, NetworkUids.StorageCommitmentPushModel, NetworkUids.StorageCommitmentPushModelInstance, result.EventTypeId);
        return await association.SendEventReportAsync(contextId, request, result.Encode(transferSyntaxUid), cancellationToken).ConfigureAwait(false);
    }
}
