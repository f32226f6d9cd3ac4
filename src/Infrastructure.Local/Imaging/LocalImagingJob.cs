using ImagingGateway.Domain.Imports;

namespace ImagingGateway.Infrastructure.Local.Imaging;

/// <summary>An import job as the local stand-in keeps it (GetDICOMImportJob's jobProperties).</summary>
public sealed record LocalImagingJob(
    string JobId,
    string DatastoreId,
    string ClientToken,
    string? JobName,
    ImportJobStatus Status,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? EndedAt,
    string? Message,
    string InputS3Uri,
    string OutputS3Uri,
    string DataAccessRoleArn);
