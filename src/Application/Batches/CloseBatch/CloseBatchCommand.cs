using Mediator;

namespace ImagingGateway.Application.Batches.CloseBatch;

/// <summary>Closes one open batch: its manifest <c>batches/{batchId}.json</c> is written and its import starts.</summary>
public sealed record CloseBatchCommand(string BatchId, string Reason) : ICommand<CloseBatchResult>;
