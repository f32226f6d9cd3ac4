using System.Net;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Imports;
using ImagingGateway.Infrastructure.Aws.S3;

namespace ImagingGateway.Infrastructure.Aws.HealthImaging;

/// <summary>
/// <see cref="IImagingService"/> on AWS HealthImaging. Job results are read from the results bucket, where the
/// service writes <c>{outputS3Uri}{datastoreId}-DicomImport-{jobId}/</c> with <c>job-output-manifest.json</c>,
/// <c>SUCCESS/success.ndjson</c> and <c>FAILURE/failure.ndjson</c>.
/// </summary>
public sealed class HealthImagingService(HealthImagingClient client, IAmazonS3 s3) : IImagingService
{
    /// <summary>Bytes read from an ndjson result file at most (a 5,000-file job writes well under this).</summary>
    public const long MaxResultFileBytes = 64L * 1024 * 1024;

    public async Task<StartedImportJob> StartImportJobAsync(StartImportRequest request, CancellationToken cancellationToken)
    {
        var response = await client.StartDicomImportJobAsync(
            request.DatastoreId,
            new StartDicomImportJobBody
            {
                JobName = request.JobName,
                DataAccessRoleArn = request.DataAccessRoleArn,
                ClientToken = request.ClientToken,
                InputS3Uri = request.InputS3Uri,
                OutputS3Uri = request.OutputS3Uri,
            },
            cancellationToken);
        return new StartedImportJob(response.JobId, response.DatastoreId, ImportJobStatusNames.Parse(response.JobStatus), response.SubmittedAt);
    }

    public async Task<ImportJobState> GetImportJobAsync(string datastoreId, string jobId, CancellationToken cancellationToken)
    {
        var p = (await client.GetDicomImportJobAsync(datastoreId, jobId, cancellationToken)).JobProperties;
        return new ImportJobState(
            p.JobId,
            p.DatastoreId,
            ImportJobStatusNames.Parse(p.JobStatus),
            p.SubmittedAt ?? DateTimeOffset.MinValue,
            p.EndedAt,
            p.Message);
    }

    public async Task<ImportJobResults> ReadJobResultsAsync(string datastoreId, string jobId, string outputS3Uri, CancellationToken cancellationToken)
    {
        var (bucket, prefix) = S3.S3Location.Parse(outputS3Uri);
        if (prefix.Length > 0 && !prefix.EndsWith('/'))
        {
            prefix += "/";
        }

        var root = $"{prefix}{datastoreId}-DicomImport-{jobId}/";
        var manifest = await ReadJsonAsync(bucket, root + "job-output-manifest.json", cancellationToken)
            ?? throw new InvalidDataException($"s3://{bucket}/{root}job-output-manifest.json does not exist");
        var summary = JsonSerializer.Deserialize(manifest, HealthImagingJsonContext.Default.JobOutputManifest)?.JobSummary
            ?? throw new InvalidDataException($"s3://{bucket}/{root}job-output-manifest.json has no jobSummary");

        var imageSets = new Dictionary<string, (string? Study, string? Series, List<string>? Sops, string? Version)>(StringComparer.Ordinal);
        foreach (var line in await ReadLinesAsync(bucket, root + "SUCCESS/success.ndjson", cancellationToken))
        {
            var success = JsonSerializer.Deserialize(line, HealthImagingJsonContext.Default.ImportSuccessLine);
            var id = success?.ImportResponse?.ImageSetId;
            if (id is null)
            {
                continue;
            }

            var response = success!.ImportResponse!;
            imageSets.TryGetValue(id, out var set);
            set.Study ??= response.StudyInstanceUid ?? success.StudyInstanceUid;
            set.Series ??= response.SeriesInstanceUid ?? success.SeriesInstanceUid;
            set.Sops ??= [];
            set.Version ??= VersionOf(response.ImageSetVersion);
            if ((response.SopInstanceUid ?? success.SopInstanceUid ?? SopFromKey(success.InputFile)) is { } sop)
            {
                set.Sops.Add(sop);
            }

            imageSets[id] = set;
        }

        foreach (var s in summary.ImageSetsSummary ?? [])
        {
            if (s.ImageSetId is { } id)
            {
                imageSets.TryGetValue(id, out var set);
                set.Sops ??= [];
                set.Version ??= VersionOf(s.ImageSetVersion);
                imageSets[id] = set;
            }
        }

        var failures = new List<ImportFailure>();
        foreach (var line in await ReadLinesAsync(bucket, root + "FAILURE/failure.ndjson", cancellationToken))
        {
            var failure = JsonSerializer.Deserialize(line, HealthImagingJsonContext.Default.ImportFailureLine);
            if (failure is not null)
            {
                var reason = failure.Exception is { } x ? $"{x.ExceptionType}: {x.Message}".Trim(' ', ':') : "unknown";
                failures.Add(new ImportFailure(failure.InputFile ?? string.Empty, reason));
            }
        }

        var failed = summary.NumberOfFilesWithCustomerError + summary.NumberOfFilesWithServerError;
        return new ImportJobResults(
            summary.NumberOfScannedFiles,
            summary.NumberOfImportedFiles,
            Math.Max(failed, failures.Count),
            imageSets.Select(kv => new ImportedImageSet(kv.Key, kv.Value.Study, kv.Value.Series, kv.Value.Sops ?? [], kv.Value.Version)).ToList(),
            failures);
    }

    /// <summary>An image set version as HealthImaging's API spells it (<c>versionId</c>: a string of digits), whether the output wrote a number or a string.</summary>
    private static string? VersionOf(JsonElement? version) => version switch
    {
        { ValueKind: JsonValueKind.Number } v => v.GetRawText(),
        { ValueKind: JsonValueKind.String } v when !string.IsNullOrEmpty(v.GetString()) => v.GetString(),
        _ => null,
    };

    private static string? SopFromKey(string? inputFile)
    {
        if (string.IsNullOrEmpty(inputFile))
        {
            return null;
        }

        var name = inputFile[(inputFile.LastIndexOf('/') + 1)..];
        return name.EndsWith(".dcm", StringComparison.OrdinalIgnoreCase) ? name[..^4] : null;
    }

    private async Task<byte[]?> ReadJsonAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken);
            if (response.ContentLength > MaxResultFileBytes)
            {
                throw new InvalidDataException($"s3://{bucket}/{key} is {response.ContentLength} bytes, more than {MaxResultFileBytes}");
            }

            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<IReadOnlyList<string>> ReadLinesAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        var bytes = await ReadJsonAsync(bucket, key, cancellationToken);
        if (bytes is null)
        {
            return [];
        }

        return System.Text.Encoding.UTF8.GetString(bytes)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
