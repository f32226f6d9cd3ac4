using ImagingGateway.Domain.Batches;

namespace ImagingGateway.Application.Batches;

/// <summary>
/// A place taken in an open batch for one instance being stored. While any reservation of a batch is outstanding
/// the batch is not closed, so an instance acknowledged late still lands in its batch's manifest.
/// Give it back with <see cref="OpenBatchRegistry.Complete"/>.
/// </summary>
public sealed class BatchReservation
{
    internal BatchReservation(ImportBatch batch) => Batch = batch;

    public ImportBatch Batch { get; }

    internal bool Completed { get; set; }
}
