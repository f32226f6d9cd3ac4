using System.Globalization;
using System.Text.Json.Serialization;
using ImagingGateway.Application.Common.Ports;

namespace ImagingGateway.Application.Commitments;

/// <summary>A storage commitment request as the JSON API shows it (GET /api/commitments/{transactionUid}).</summary>
public sealed record StorageCommitmentDto
{
    [JsonPropertyName("transactionUID")] public required string TransactionUid { get; init; }
    [JsonPropertyName("state")] public required string State { get; init; }
    [JsonPropertyName("callingAeTitle")] public required string CallingAeTitle { get; init; }
    [JsonPropertyName("calledAeTitle")] public required string CalledAeTitle { get; init; }
    [JsonPropertyName("associationId")] public required string AssociationId { get; init; }
    [JsonPropertyName("requestedAt")] public DateTimeOffset RequestedAt { get; init; }
    [JsonPropertyName("reportedAt")] public DateTimeOffset? ReportedAt { get; init; }
    [JsonPropertyName("reportedVia")] public string? ReportedVia { get; init; }
    [JsonPropertyName("attempts")] public int Attempts { get; init; }
    [JsonPropertyName("lastError")] public string? LastError { get; init; }
    [JsonPropertyName("committed")] public int Committed { get; init; }
    [JsonPropertyName("failed")] public int Failed { get; init; }
    [JsonPropertyName("instances")] public required IReadOnlyList<StorageCommitmentInstanceDto> Instances { get; init; }

    public static StorageCommitmentDto From(StorageCommitmentRecord record) => new()
    {
        TransactionUid = record.TransactionUid,
        State = record.State.ToString().ToUpperInvariant(),
        CallingAeTitle = record.CallingAeTitle,
        CalledAeTitle = record.CalledAeTitle,
        AssociationId = record.AssociationId,
        RequestedAt = record.RequestedAt,
        ReportedAt = record.ReportedAt,
        ReportedVia = record.ReportedVia,
        Attempts = record.Attempts,
        LastError = record.LastError,
        Committed = record.Items.Count(i => i.Decided && i.FailureReason is null),
        Failed = record.Items.Count(i => i.FailureReason is not null),
        Instances = record.Items.Select(i => new StorageCommitmentInstanceDto
        {
            SopClassUid = i.SopClassUid,
            SopInstanceUid = i.SopInstanceUid,
            Status = !i.Decided ? "PENDING" : i.FailureReason is null ? "COMMITTED" : "FAILED",
            FailureReason = i.FailureReason is { } r ? "0x" + r.ToString("X4", CultureInfo.InvariantCulture) : null,
            BatchId = i.BatchId,
        }).ToList(),
    };
}
