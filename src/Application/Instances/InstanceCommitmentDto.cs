using System.Globalization;
using System.Text.Json.Serialization;
using ImagingGateway.Application.Common.Ports;

namespace ImagingGateway.Application.Instances;

/// <summary>
/// The latest storage commitment report on an instance, as the JSON API shows it: <c>COMMITTED</c>, or <c>FAILED</c>
/// with its PS3.3 C.14.1.1 Failure Reason (<c>0x0110</c>), under Transaction UID <see cref="TransactionUid"/>.
/// </summary>
public sealed record InstanceCommitmentDto
{
    public const string Committed = "COMMITTED";
    public const string Failed = "FAILED";

    [JsonPropertyName("transactionUID")] public required string TransactionUid { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("failureReason")] public string? FailureReason { get; init; }
    [JsonPropertyName("reportedAt")] public DateTimeOffset ReportedAt { get; init; }

    public static InstanceCommitmentDto? From(InstanceCommitment? commitment) => commitment is null ? null : new()
    {
        TransactionUid = commitment.TransactionUid,
        Status = commitment.Committed ? Committed : Failed,
        FailureReason = commitment.FailureReason is { } r ? "0x" + r.ToString("X4", CultureInfo.InvariantCulture) : null,
        ReportedAt = commitment.ReportedAt,
    };
}
