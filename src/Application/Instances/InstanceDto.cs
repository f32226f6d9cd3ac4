using System.Text.Json.Serialization;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Imports;

namespace ImagingGateway.Application.Instances;

/// <summary>
/// A received instance as the JSON API shows it: the batch manifest's facts, where the object is stored
/// (<see cref="Location"/> as the instance store reports it), the import job of its batch once one exists, and
/// <see cref="ImportOutcome"/>, where its import landed, once that job has ended, and <see cref="Commitment"/>, the
/// latest storage commitment report on it, once one is delivered.
/// </summary>
public sealed record InstanceDto
{
    [JsonPropertyName("sopInstanceUID")] public required string SopInstanceUid { get; init; }
    [JsonPropertyName("sopClassUID")] public required string SopClassUid { get; init; }
    [JsonPropertyName("studyInstanceUID")] public required string StudyInstanceUid { get; init; }
    [JsonPropertyName("seriesInstanceUID")] public required string SeriesInstanceUid { get; init; }
    [JsonPropertyName("transferSyntaxUID")] public required string TransferSyntaxUid { get; init; }
    [JsonPropertyName("studyDate")] public string? StudyDate { get; init; }
    [JsonPropertyName("objectKey")] public required string ObjectKey { get; init; }
    [JsonPropertyName("location")] public required string Location { get; init; }
    [JsonPropertyName("size")] public long Size { get; init; }
    [JsonPropertyName("checksum")] public string? Checksum { get; init; }
    [JsonPropertyName("batchId")] public required string BatchId { get; init; }
    [JsonPropertyName("receivedAt")] public DateTimeOffset ReceivedAt { get; init; }
    [JsonPropertyName("callingAeTitle")] public string? CallingAeTitle { get; init; }
    [JsonPropertyName("calledAeTitle")] public string? CalledAeTitle { get; init; }
    [JsonPropertyName("jobId")] public string? JobId { get; init; }
    [JsonPropertyName("jobStatus")] public string? JobStatus { get; init; }
    [JsonPropertyName("importOutcome")] public ImportOutcomeDto? ImportOutcome { get; init; }
    [JsonPropertyName("commitment")] public InstanceCommitmentDto? Commitment { get; init; }

    public static InstanceDto From(ReceivedInstanceRecord record, string location, ImportJob? job) => new()
    {
        SopInstanceUid = record.SopInstanceUid,
        SopClassUid = record.SopClassUid,
        StudyInstanceUid = record.StudyInstanceUid,
        SeriesInstanceUid = record.SeriesInstanceUid,
        TransferSyntaxUid = record.TransferSyntaxUid,
        StudyDate = record.StudyDate,
        ObjectKey = record.ObjectKey,
        Location = location,
        Size = record.Size,
        Checksum = record.Checksum,
        BatchId = record.BatchId,
        ReceivedAt = record.ReceivedAt,
        CallingAeTitle = record.CallingAeTitle,
        CalledAeTitle = record.CalledAeTitle,
        JobId = job?.JobId,
        JobStatus = job?.Status.ToWire(),
        ImportOutcome = ImportOutcomeDto.From(record.ImportOutcome),
        Commitment = InstanceCommitmentDto.From(record.Commitment),
    };
}
