namespace ImagingGateway.Application.Common.Ports;

/// <summary>
/// What <see cref="IReceivedInstanceIndex"/> keeps of one received instance: the manifest's facts about it and about
/// its batch. <see cref="BatchStudyInstanceUid"/> is the study of the batch's first instance, the study its import
/// job is filed under (TriggerImport takes the job's metadata from the first valid instance).
/// <see cref="ImportOutcome"/> is where the import of this receipt (this <see cref="BatchId"/>) landed, null until
/// its job has ended; <see cref="IReceivedInstanceIndex.RecordAsync"/> ignores it. <see cref="Commitment"/> is the
/// latest storage commitment report on this SOP instance, null until one is delivered; RecordAsync ignores it too.
/// </summary>
public sealed record ReceivedInstanceRecord(
    string SopInstanceUid,
    string SopClassUid,
    string StudyInstanceUid,
    string SeriesInstanceUid,
    string TransferSyntaxUid,
    string? StudyDate,
    string ObjectKey,
    long Size,
    string? Checksum,
    string BatchId,
    string BatchStudyInstanceUid,
    DateTimeOffset ReceivedAt,
    string? CallingAeTitle,
    string? CalledAeTitle,
    InstanceImportOutcome? ImportOutcome = null,
    InstanceCommitment? Commitment = null);
