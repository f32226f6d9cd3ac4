using ImagingGateway.Domain.Batches;

namespace ImagingGateway.Application.Common.Ports;

/// <summary>Makes our own ids. The clock is <see cref="TimeProvider"/>.</summary>
public interface IIdGenerator
{
    BatchId NewBatchId();

    /// <summary>An id for one association, unique within this process's lifetime and across restarts.</summary>
    string NewAssociationId();
}
