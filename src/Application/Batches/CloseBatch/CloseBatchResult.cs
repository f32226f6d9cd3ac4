namespace ImagingGateway.Application.Batches.CloseBatch;

public sealed record CloseBatchResult(string BatchId, CloseBatchOutcome Outcome, string? ManifestKey, int InstanceCount);

public enum CloseBatchOutcome
{
    /// <summary>The manifest was written (or had been already).</summary>
    Closed,

    /// <summary>The batch held no instance: nothing was written.</summary>
    Empty,

    /// <summary>Stores are still in flight; the last of them closes the batch.</summary>
    Deferred,

    /// <summary>This process holds no such open batch (already closed, being closed, or never opened): a no-op.</summary>
    NotOpen,
}
