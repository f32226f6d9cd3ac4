namespace ImagingGateway.Application.Common.Ports;

/// <summary>
/// Where the import of one received instance landed, as the import job <see cref="JobId"/> of batch
/// <see cref="BatchId"/> reported it: in image set <see cref="ImageSetId"/> (at <see cref="ImageSetVersion"/> when the
/// service names it), or failed with <see cref="FailureReason"/>.
/// </summary>
/// <param name="BatchId">The batch the instance was imported from: the outcome belongs to that receipt of the instance only.</param>
/// <param name="ImageSetVersion">HealthImaging's image set <c>versionId</c> (digits, kept as the service's string).</param>
public sealed record InstanceImportOutcome(
    string SopInstanceUid,
    string BatchId,
    string JobId,
    InstanceImportStatus Status,
    string? ImageSetId,
    string? ImageSetVersion,
    string? FailureReason,
    DateTimeOffset RecordedAt);
