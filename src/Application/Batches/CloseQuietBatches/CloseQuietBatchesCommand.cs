using ImagingGateway.Application.Batches.CloseBatch;
using Mediator;

namespace ImagingGateway.Application.Batches.CloseQuietBatches;

/// <summary>
/// The gateway sends this periodically: every open batch with nothing in flight that no store joined for
/// <c>Gateway:Batching:QuietPeriod</c> is closed (how <see cref="Domain.Batches.GroupingPolicy.PerCallingAeAndStudy"/>
/// batches end). With <see cref="Stopping"/> (the gateway shuts down) every open batch is closed, now or, with stores
/// still in flight, when the last of them completes.
/// </summary>
public sealed record CloseQuietBatchesCommand(bool Stopping = false) : ICommand<CloseQuietBatchesResult>;

public sealed record CloseQuietBatchesResult(IReadOnlyList<CloseBatchResult> Batches);
