namespace ImagingGateway.Application.Common.Exceptions;

/// <summary>
/// A batch cannot be imported as its manifest describes it: the manifest is unreadable, or objects it lists are
/// missing or differ. <see cref="Problems"/> lists each one.
/// </summary>
public sealed class InvalidBatchException(string batchId, IReadOnlyList<string> problems)
    : Exception($"batch {batchId} cannot be imported: {string.Join("; ", problems)}")
{
    public string BatchId { get; } = batchId;

    public IReadOnlyList<string> Problems { get; } = problems;
}
