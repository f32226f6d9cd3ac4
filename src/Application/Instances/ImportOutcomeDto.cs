using System.Text.Json.Serialization;
using ImagingGateway.Application.Common.Ports;

namespace ImagingGateway.Application.Instances;

/// <summary>
/// Where an instance's import landed, as the JSON API shows it: <c>IMPORTED</c> into <see cref="ImageSetId"/> (at
/// <see cref="ImageSetVersion"/> when known) or <c>FAILED</c> with <see cref="FailureReason"/>, by import job
/// <see cref="JobId"/>.
/// </summary>
public sealed record ImportOutcomeDto
{
    public const string Imported = "IMPORTED";
    public const string Failed = "FAILED";

    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("jobId")] public required string JobId { get; init; }
    [JsonPropertyName("imageSetId")] public string? ImageSetId { get; init; }
    [JsonPropertyName("imageSetVersion")] public string? ImageSetVersion { get; init; }
    [JsonPropertyName("failureReason")] public string? FailureReason { get; init; }
    [JsonPropertyName("recordedAt")] public DateTimeOffset RecordedAt { get; init; }

    public static ImportOutcomeDto? From(InstanceImportOutcome? outcome) => outcome is null ? null : new()
    {
        Status = outcome.Status == InstanceImportStatus.Imported ? Imported : Failed,
        JobId = outcome.JobId,
        ImageSetId = outcome.ImageSetId,
        ImageSetVersion = outcome.ImageSetVersion,
        FailureReason = outcome.FailureReason,
        RecordedAt = outcome.RecordedAt,
    };
}
