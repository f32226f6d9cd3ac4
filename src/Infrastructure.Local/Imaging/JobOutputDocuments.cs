using System.Text.Json.Serialization;

namespace ImagingGateway.Infrastructure.Local.Imaging;

/// <summary>
/// <c>job-output-manifest.json</c> as HealthImaging writes it ("Understanding import jobs" in the HealthImaging
/// developer guide): a <c>jobSummary</c> with the locations and the counts.
/// </summary>
public sealed record JobOutputManifest([property: JsonPropertyName("jobSummary")] JobSummary JobSummary);

public sealed record JobSummary
{
    [JsonPropertyName("jobId")] public required string JobId { get; init; }
    [JsonPropertyName("datastoreId")] public required string DatastoreId { get; init; }
    [JsonPropertyName("inputS3Uri")] public required string InputS3Uri { get; init; }
    [JsonPropertyName("outputS3Uri")] public required string OutputS3Uri { get; init; }
    [JsonPropertyName("successOutputS3Uri")] public required string SuccessOutputS3Uri { get; init; }
    [JsonPropertyName("failureOutputS3Uri")] public required string FailureOutputS3Uri { get; init; }
    [JsonPropertyName("numberOfScannedFiles")] public int NumberOfScannedFiles { get; init; }
    [JsonPropertyName("numberOfImportedFiles")] public int NumberOfImportedFiles { get; init; }
    [JsonPropertyName("numberOfFilesWithCustomerError")] public int NumberOfFilesWithCustomerError { get; init; }
    [JsonPropertyName("numberOfFilesWithServerError")] public int NumberOfFilesWithServerError { get; init; }
    [JsonPropertyName("numberOfGeneratedImageSets")] public int NumberOfGeneratedImageSets { get; init; }
    [JsonPropertyName("imageSetsSummary")] public IReadOnlyList<ImageSetSummary> ImageSetsSummary { get; init; } = [];
}

public sealed record ImageSetSummary(
    [property: JsonPropertyName("imageSetId")] string ImageSetId,
    [property: JsonPropertyName("imageSetVersion")] int ImageSetVersion,
    [property: JsonPropertyName("isPrimary")] bool IsPrimary,
    [property: JsonPropertyName("numberOfMatchedSOPInstances")] int NumberOfMatchedSopInstances);

/// <summary>
/// One line of <c>SUCCESS/success.ndjson</c>: HealthImaging's <c>inputFile</c> and <c>importResponse</c>, plus (a local
/// extension) the instance's UIDs, so "in which image set did SOP instance X land?" is answered from this file alone.
/// </summary>
public sealed record SuccessLine
{
    [JsonPropertyName("inputFile")] public required string InputFile { get; init; }
    [JsonPropertyName("importResponse")] public required ImportResponse ImportResponse { get; init; }
    [JsonPropertyName("studyInstanceUID")] public string? StudyInstanceUid { get; init; }
    [JsonPropertyName("seriesInstanceUID")] public string? SeriesInstanceUid { get; init; }
    [JsonPropertyName("sopInstanceUID")] public string? SopInstanceUid { get; init; }
    [JsonPropertyName("sopClassUID")] public string? SopClassUid { get; init; }
}

public sealed record ImportResponse(
    [property: JsonPropertyName("imageSetId")] string ImageSetId,
    [property: JsonPropertyName("imageSetVersion")] int ImageSetVersion,
    [property: JsonPropertyName("isPrimary")] bool IsPrimary);

/// <summary>One line of <c>FAILURE/failure.ndjson</c>.</summary>
public sealed record FailureLine(
    [property: JsonPropertyName("inputFile")] string InputFile,
    [property: JsonPropertyName("exception")] FailureException Exception);

public sealed record FailureException(
    [property: JsonPropertyName("exceptionType")] string ExceptionType,
    [property: JsonPropertyName("message")] string Message);
