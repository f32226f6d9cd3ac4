using ImagingGateway.Domain.Batches;
using ImagingGateway.Domain.Dicom;

namespace ImagingGateway.Domain.Instances;

/// <summary>One instance that was received and durably stored, with what we know of where it came from.</summary>
public sealed record ReceivedInstance(
    BatchId BatchId,
    string ObjectKey,
    long Size,
    string Checksum,
    DicomUid SopClassUid,
    DicomUid SopInstanceUid,
    DicomUid StudyInstanceUid,
    DicomUid SeriesInstanceUid,
    string? StudyDate,
    DicomUid TransferSyntaxUid,
    AeTitle CallingAeTitle,
    AeTitle CalledAeTitle,
    string AssociationId,
    DateTimeOffset ReceivedAt);
