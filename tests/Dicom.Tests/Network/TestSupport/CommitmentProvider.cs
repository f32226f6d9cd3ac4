using System.Collections.Concurrent;
using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Network.Dimse;
using ImagingGateway.Dicom.Network.Dimse.Commitment;
using ImagingGateway.Dicom.Network.Dimse.Store;
using ImagingGateway.Dicom.Network.Pdus;
using ImagingGateway.Dicom.Network.Server;

namespace ImagingGateway.Dicom.Tests.Network.TestSupport;

/// <summary>
/// Test provider for storage commitment: commits every referenced instance whose UID is in <see cref="Known"/>, fails
/// the others with 0x0112, and reports on the request's own association from another task.
/// </summary>
public sealed class CommitmentProvider : IDicomServiceProvider
{
    public HashSet<string> Known { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<StorageCommitmentRequest> Requests { get; } = new();

    public ConcurrentQueue<DimseStatus?> ReportStatuses { get; } = new();

    /// <summary>Delay before the report is sent, to let a test close the association first.</summary>
    public TimeSpan ReportDelay { get; set; }

    public AssociationDecision OnAssociationRequested(AssociateRequestPdu request, TransportInfo transport) => AssociationDecision.Accept;

    public ValueTask<IStoreInstanceSink> BeginStoreAsync(StoreRequestContext context, CancellationToken cancellationToken) =>
        throw new NotSupportedException("this provider only answers storage commitment");

    public ValueTask<DimseStatus> OnStorageCommitmentRequestedAsync(StorageCommitmentRequestContext context, CancellationToken cancellationToken)
    {
        Requests.Enqueue(context.Request);
        var result = new StorageCommitmentResult(context.Request.TransactionUid,
            context.Request.References.Where(r => Known.Contains(r.SopInstanceUid)).ToList(),
            context.Request.References.Where(r => !Known.Contains(r.SopInstanceUid))
                .Select(r => new FailedSop(r.SopClassUid, r.SopInstanceUid, StorageCommitmentFailureReason.NoSuchObjectInstance)).ToList());
        _ = Task.Run(async () =>
        {
            await Task.Delay(ReportDelay);
            ReportStatuses.Enqueue(await context.Channel.TrySendAsync(result, CancellationToken.None));
        }, CancellationToken.None);
        return ValueTask.FromResult(DimseStatus.Success);
    }

    public ValueTask OnAssociationReleasedAsync(AssociationInfo association, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask OnAssociationAbortedAsync(AssociationInfo association, AssociationAbortInfo abort, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
