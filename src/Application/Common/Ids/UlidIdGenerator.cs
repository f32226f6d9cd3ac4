using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Batches;

namespace ImagingGateway.Application.Common.Ids;

/// <summary>The production id generator: ULIDs from the clock and 80 random bits, unique across restarts.</summary>
public sealed class UlidIdGenerator(TimeProvider time) : IIdGenerator
{
    public BatchId NewBatchId() => BatchId.New(time.GetUtcNow());

    public string NewAssociationId() => BatchId.New(time.GetUtcNow()).Value;
}
