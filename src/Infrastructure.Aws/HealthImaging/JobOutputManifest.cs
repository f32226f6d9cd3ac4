using System.Text.Json.Serialization;
using ImagingGateway.Infrastructure.Aws.Common;

namespace ImagingGateway.Infrastructure.Aws.HealthImaging;

/// <summary><c>job-output-manifest.json</c>: <c>{ "jobSummary": { … } }</c>.</summary>
public sealed record JobOutputManifest
{
    [JsonPropertyName("jobSummary")] public JobOutputSummary? JobSummary { get; init; }
}
