using Mediator;

namespace ImagingGateway.Application.Batches.RecoverOpenBatches;

/// <summary>
/// Run at start-up (and safe to run again at any time): closes every batch that has an open-batch marker
/// (<c>open-batches/{batchId}.json</c>) but that this process does not hold open, rebuilding its manifest from the
/// stored files, and retries closes that failed. Only the markers and the prefixes of those batches are listed, so the
/// work follows what is open, not the day's volume. A batch whose newest object is younger than
/// <see cref="QuietPeriod"/> (default <c>Gateway:Batching:RecoveryQuietPeriod</c>) is left for a later run, so hosts
/// run this at start-up and then periodically. So nothing acknowledged is lost when the process died before its
/// batches closed.
/// </summary>
public sealed record RecoverOpenBatchesCommand(TimeSpan? QuietPeriod = null) : ICommand<RecoverOpenBatchesResult>;

public sealed record RecoverOpenBatchesResult(IReadOnlyList<RecoveredBatch> Batches);

/// <summary>A batch recovery closed: its manifest key, how many instances it lists, and the objects it had to leave out.</summary>
public sealed record RecoveredBatch(string BatchId, string? ManifestKey, int InstanceCount, IReadOnlyList<string> Skipped);
