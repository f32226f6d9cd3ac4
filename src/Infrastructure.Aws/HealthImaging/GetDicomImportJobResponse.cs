using System.Text.Json.Serialization;
using ImagingGateway.Infrastructure.Aws.Common;

namespace ImagingGateway.Infrastructure.Aws.HealthImaging;

public sealed record GetDicomImportJobResponse
{
    [JsonPropertyName("jobProperties")] public required DicomImportJobProperties JobProperties { get; init; }
}
