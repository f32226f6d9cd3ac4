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
