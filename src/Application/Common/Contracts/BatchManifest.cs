using System.Text.Json.Serialization;

namespace ImagingGateway.Application.Common.Contracts;

/// <summary>
/// <c>batches/{batchId}.json</c>: written when a batch closes; its creation is the event that starts the import.
/// Holds enough to answer "did SOP instance X arrive, and in which batch?".
/// </summary>
public sealed record BatchManifest
{
    [JsonPropertyName("batchId")] public required string BatchId { get; init; }
    [JsonPropertyName("inputPrefix")] public required string InputPrefix { get; init; }
    [JsonPropertyName("callingAeTitle")] public string? CallingAeTitle { get; init; }
    [JsonPropertyName("calledAeTitle")] public string? CalledAeTitle { get; init; }
    [JsonPropertyName("associationId")] public string? AssociationId { get; init; }
    [JsonPropertyName("openedAt")] public DateTimeOffset OpenedAt { get; init; }
    [JsonPropertyName("closedAt")] public DateTimeOffset ClosedAt { get; init; }
    [JsonPropertyName("closeReason")] public string? CloseReason { get; init; }
    [JsonPropertyName("instances")] public required IReadOnlyList<BatchManifestInstance> Instances { get; init; }

    /// <summary>
    /// Set on a batch written by <c>jobs retry</c>: the job it re-imports. Such a batch may import another batch's
    /// prefix (<see cref="InputPrefix"/>, a FAILED job's whole batch); any other batch imports its own.
    /// </summary>
    [JsonPropertyName("retryOf")] public string? RetryOf { get; init; }
}

public sealed record BatchManifestInstance
{
    [JsonPropertyName("key")] public required string Key { get; init; }
    [JsonPropertyName("size")] public long Size { get; init; }
    [JsonPropertyName("checksum")] public string? Checksum { get; init; }
    [JsonPropertyName("sopClassUID")] public required string SopClassUid { get; init; }
    [JsonPropertyName("sopInstanceUID")] public required string SopInstanceUid { get; init; }
    [JsonPropertyName("studyInstanceUID")] public required string StudyInstanceUid { get; init; }
    [JsonPropertyName("seriesInstanceUID")] public required string SeriesInstanceUid { get; init; }
    [JsonPropertyName("studyDate")] public string? StudyDate { get; init; }
    [JsonPropertyName("transferSyntaxUID")] public string? TransferSyntaxUid { get; init; }
    [JsonPropertyName("receivedAt")] public DateTimeOffset ReceivedAt { get; init; }
}
