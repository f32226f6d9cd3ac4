using System.Text.Json.Serialization;

namespace ImagingGateway.Application.Commitments;

/// <summary>One referenced instance of a commitment request: PENDING, COMMITTED (in batch) or FAILED with its reason code.</summary>
public sealed record StorageCommitmentInstanceDto
{
    [JsonPropertyName("sopClassUID")] public required string SopClassUid { get; init; }
    [JsonPropertyName("sopInstanceUID")] public required string SopInstanceUid { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("failureReason")] public string? FailureReason { get; init; }
    [JsonPropertyName("batchId")] public string? BatchId { get; init; }
}
