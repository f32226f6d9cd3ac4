using System.Text.Json.Serialization;

namespace ImagingGateway.Infrastructure.Aws.HealthImaging;

/// <summary>Source-generated serialization of the HealthImaging wire shapes (no reflection at run time).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StartDicomImportJobBody))]
[JsonSerializable(typeof(StartDicomImportJobResponse))]
[JsonSerializable(typeof(GetDicomImportJobResponse))]
[JsonSerializable(typeof(ListDicomImportJobsResponse))]
[JsonSerializable(typeof(JobOutputManifest))]
[JsonSerializable(typeof(ImportSuccessLine))]
[JsonSerializable(typeof(ImportFailureLine))]
public sealed partial class HealthImagingJsonContext : JsonSerializerContext;
