using System.Text.Json.Serialization;

namespace ImagingGateway.Application.Imports.RetryImportJob;

/// <summary>A failed file that a retry would fail again, with HealthImaging's reason and why retrying cannot fix it.</summary>
public sealed record NotRetryableFile(
    [property: JsonPropertyName("inputFile")] string InputFile,
    [property: JsonPropertyName("reason")] string Reason);
