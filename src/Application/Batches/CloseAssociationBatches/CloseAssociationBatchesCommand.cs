using ImagingGateway.Application.Batches.CloseBatch;
using Mediator;

namespace ImagingGateway.Application.Batches.CloseAssociationBatches;

/// <summary>
/// The SCP sends this once when an association ends (A-RELEASE, A-ABORT or a dropped connection): every batch of
/// the association is closed, now or, for one with stores still in flight, when the last of them completes.
/// </summary>
public sealed record CloseAssociationBatchesCommand(string AssociationId, string Reason) : ICommand<CloseAssociationBatchesResult>;

public sealed record CloseAssociationBatchesResult(string AssociationId, IReadOnlyList<CloseBatchResult> Batches);
