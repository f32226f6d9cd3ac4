using System.Buffers.Binary;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Batches;

namespace ImagingGateway.Application.Tests.InMemory;

/// <summary>Predictable ids: batch ids from the clock with a counter for the random part, associations "assoc-N".</summary>
public sealed class SequentialIdGenerator(TimeProvider time) : IIdGenerator
{
    private long _batches;
    private long _associations;

    public BatchId NewBatchId()
    {
        Span<byte> random = stackalloc byte[10];
        BinaryPrimitives.WriteInt64BigEndian(random[2..], Interlocked.Increment(ref _batches));
        return BatchId.Create(time.GetUtcNow(), random);
    }

    public string NewAssociationId() => $"assoc-{Interlocked.Increment(ref _associations)}";
}
