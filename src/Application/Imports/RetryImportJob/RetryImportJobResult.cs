using System.Text.Json.Serialization;

namespace ImagingGateway.Application.Imports.RetryImportJob;

/// <summary>
/// What <c>jobs retry</c> did. <see cref="Retried"/> is false when there was nothing it could retry, and
/// <see cref="Message"/> says why; the files it left out, and why, are in <see cref="NotRetryable"/> either way.
/// </summary>
public sealed record RetryImportJobResult
{
    /// <summary>A FAILED job's whole batch is imported again, from its own input prefix.</summary>
    public const string WholeBatch = "batch";

    /// <summary>A COMPLETED job's retryable failed files are copied under a new batch prefix and imported.</summary>
    public const string FailedFiles = "failedFiles";

    [JsonPropertyName("jobId")] public required string JobId { get; init; }

    [JsonPropertyName("retried")] public bool Retried { get; init; }

    /// <summary><see cref="WholeBatch"/> or <see cref="FailedFiles"/>; null when nothing was retried.</summary>
    [JsonPropertyName("kind")] public string? Kind { get; init; }

    /// <summary>The new batch, whose import job records <c>retryOf</c> = <see cref="JobId"/>.</summary>
    [JsonPropertyName("batchId")] public string? BatchId { get; init; }

    [JsonPropertyName("manifestKey")] public string? ManifestKey { get; init; }

    [JsonPropertyName("inputPrefix")] public string? InputPrefix { get; init; }

    /// <summary>The object keys, in the original batch, of the files imported again.</summary>
    [JsonPropertyName("retriedFiles")] public IReadOnlyList<string> RetriedFiles { get; init; } = [];

    [JsonPropertyName("notRetryable")] public IReadOnlyList<NotRetryableFile> NotRetryable { get; init; } = [];

    [JsonPropertyName("message")] public required string Message { get; init; }
}
