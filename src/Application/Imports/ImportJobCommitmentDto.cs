using System.Text.Json.Serialization;
using ImagingGateway.Domain.Imports;

namespace ImagingGateway.Application.Imports;

/// <summary>A storage commitment transaction that covered a job's instances: how many it reported committed and failed.</summary>
public sealed record ImportJobCommitmentDto
{
    [JsonPropertyName("transactionUID")] public required string TransactionUid { get; init; }
    [JsonPropertyName("committed")] public int Committed { get; init; }
    [JsonPropertyName("failed")] public int Failed { get; init; }
    [JsonPropertyName("reportedAt")] public DateTimeOffset ReportedAt { get; init; }

    public static ImportJobCommitmentDto From(ImportJobCommitment commitment) => new()
    {
        TransactionUid = commitment.TransactionUid,
        Committed = commitment.Committed,
        Failed = commitment.Failed,
        ReportedAt = commitment.ReportedAt,
    };
}
