using System.Text.Json.Serialization;
using ImagingGateway.Infrastructure.Aws.Common;

namespace ImagingGateway.Infrastructure.Aws.HealthImaging;

// Wire shapes of the MedicalImaging 2023-07-19 model (../shared/reference/aws/botocore-medical-imaging-2023-07-19.service-2.json),
// only the members we use. Members bound to the URI (datastoreId, jobId) or the query are not in the bodies.

/// <summary>StartDICOMImportJobRequest's body members.</summary>
public sealed record StartDicomImportJobBody
{
    [JsonPropertyName("jobName")] public string? JobName { get; init; }
    [JsonPropertyName("dataAccessRoleArn")] public required string DataAccessRoleArn { get; init; }
    [JsonPropertyName("clientToken")] public required string ClientToken { get; init; }
    [JsonPropertyName("inputS3Uri")] public required string InputS3Uri { get; init; }
    [JsonPropertyName("outputS3Uri")] public required string OutputS3Uri { get; init; }
    [JsonPropertyName("inputOwnerAccountId")] public string? InputOwnerAccountId { get; init; }
}

public sealed record StartDicomImportJobResponse
{
    [JsonPropertyName("datastoreId")] public required string DatastoreId { get; init; }
    [JsonPropertyName("jobId")] public required string JobId { get; init; }
    [JsonPropertyName("jobStatus")] public required string JobStatus { get; init; }
    [JsonPropertyName("submittedAt"), JsonConverter(typeof(EpochSecondsConverter))] public DateTimeOffset SubmittedAt { get; init; }
}

public sealed record GetDicomImportJobResponse
{
    [JsonPropertyName("jobProperties")] public required DicomImportJobProperties JobProperties { get; init; }
}

public sealed record DicomImportJobProperties
{
    [JsonPropertyName("jobId")] public required string JobId { get; init; }
    [JsonPropertyName("jobName")] public string? JobName { get; init; }
    [JsonPropertyName("jobStatus")] public required string JobStatus { get; init; }
    [JsonPropertyName("datastoreId")] public required string DatastoreId { get; init; }
    [JsonPropertyName("dataAccessRoleArn")] public string? DataAccessRoleArn { get; init; }
    [JsonPropertyName("endedAt"), JsonConverter(typeof(NullableEpochSecondsConverter))] public DateTimeOffset? EndedAt { get; init; }
    [JsonPropertyName("submittedAt"), JsonConverter(typeof(NullableEpochSecondsConverter))] public DateTimeOffset? SubmittedAt { get; init; }
    [JsonPropertyName("inputS3Uri")] public string? InputS3Uri { get; init; }
    [JsonPropertyName("outputS3Uri")] public string? OutputS3Uri { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
}

public sealed record ListDicomImportJobsResponse
{
    [JsonPropertyName("jobSummaries")] public required IReadOnlyList<DicomImportJobSummary> JobSummaries { get; init; }
    [JsonPropertyName("nextToken")] public string? NextToken { get; init; }
}

public sealed record DicomImportJobSummary
{
    [JsonPropertyName("jobId")] public required string JobId { get; init; }
    [JsonPropertyName("jobName")] public string? JobName { get; init; }
    [JsonPropertyName("jobStatus")] public required string JobStatus { get; init; }
    [JsonPropertyName("datastoreId")] public required string DatastoreId { get; init; }
    [JsonPropertyName("dataAccessRoleArn")] public string? DataAccessRoleArn { get; init; }
    [JsonPropertyName("endedAt"), JsonConverter(typeof(NullableEpochSecondsConverter))] public DateTimeOffset? EndedAt { get; init; }
    [JsonPropertyName("submittedAt"), JsonConverter(typeof(NullableEpochSecondsConverter))] public DateTimeOffset? SubmittedAt { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
}

/// <summary><c>job-output-manifest.json</c>: <c>{ "jobSummary": { … } }</c>.</summary>
public sealed record JobOutputManifest
{
    [JsonPropertyName("jobSummary")] public JobOutputSummary? JobSummary { get; init; }
}

public sealed record JobOutputSummary
{
    [JsonPropertyName("jobId")] public string? JobId { get; init; }
    [JsonPropertyName("datastoreId")] public string? DatastoreId { get; init; }
    [JsonPropertyName("numberOfScannedFiles")] public int NumberOfScannedFiles { get; init; }
    [JsonPropertyName("numberOfImportedFiles")] public int NumberOfImportedFiles { get; init; }
    [JsonPropertyName("numberOfFilesWithCustomerError")] public int NumberOfFilesWithCustomerError { get; init; }
    [JsonPropertyName("numberOfFilesWithServerError")] public int NumberOfFilesWithServerError { get; init; }
    [JsonPropertyName("numberOfGeneratedImageSets")] public int NumberOfGeneratedImageSets { get; init; }
    [JsonPropertyName("imageSetsSummary")] public IReadOnlyList<ImageSetSummary>? ImageSetsSummary { get; init; }
}

public sealed record ImageSetSummary
{
    [JsonPropertyName("imageSetId")] public string? ImageSetId { get; init; }
    [JsonPropertyName("numberOfMatchedSOPInstances")] public int NumberOfMatchedSopInstances { get; init; }
}

/// <summary>One line of <c>SUCCESS/success.ndjson</c>.</summary>
public sealed record ImportSuccessLine
{
    [JsonPropertyName("inputFile")] public string? InputFile { get; init; }
    [JsonPropertyName("importResponse")] public ImportSuccessResponse? ImportResponse { get; init; }
}

public sealed record ImportSuccessResponse
{
    [JsonPropertyName("imageSetId")] public string? ImageSetId { get; init; }
    [JsonPropertyName("isPrimary")] public bool? IsPrimary { get; init; }
    [JsonPropertyName("studyInstanceUID")] public string? StudyInstanceUid { get; init; }
    [JsonPropertyName("seriesInstanceUID")] public string? SeriesInstanceUid { get; init; }
    [JsonPropertyName("sopInstanceUID")] public string? SopInstanceUid { get; init; }
}

/// <summary>One line of <c>FAILURE/failure.ndjson</c>.</summary>
public sealed record ImportFailureLine
{
    [JsonPropertyName("inputFile")] public string? InputFile { get; init; }
    [JsonPropertyName("exception")] public ImportFailureException? Exception { get; init; }
}

public sealed record ImportFailureException
{
    [JsonPropertyName("exceptionType")] public string? ExceptionType { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
}
