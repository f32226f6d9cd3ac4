using System.Text.Json;
using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Application.Common.Serialization;
using ImagingGateway.Domain.Batches;
using ImagingGateway.Domain.Imports;
using Mediator;
using Microsoft.Extensions.Logging;

namespace ImagingGateway.Application.Imports.RetryImportJob;

/// <summary>
/// Re-drives an ended import job without a function of its own: it writes a batch manifest, and the manifest's
/// object-created event (S3 → TriggerImport in AWS, the store's queue → the dispatcher locally) starts the import with
/// the new batch id as execution name and client token, so HealthImaging starts a new job; StartImportJob links the
/// two jobs (retryOf, retriedBy).
/// <list type="bullet">
/// <item>A FAILED job: the new batch lists the same objects and imports the same input prefix.</item>
/// <item>A COMPLETED job with failed files: each file whose failure a retry may fix (<see cref="ImportFailureClassifier"/>)
/// is copied under the new batch's prefix, since an import reads a whole prefix; the others are listed, not copied.</item>
/// </list>
/// Objects are copied before the manifest is written, so a copy that fails leaves only unlisted objects that nothing imports.
/// </summary>
public sealed partial class RetryImportJobHandler(
    IImportJobRepository jobs,
    IImagingService imaging,
    IInstanceStore store,
    IIdGenerator ids,
    TimeProvider time,
    ILogger<RetryImportJobHandler> logger) : ICommandHandler<RetryImportJobCommand, RetryImportJobResult>
{
    public async ValueTask<RetryImportJobResult> Handle(RetryImportJobCommand command, CancellationToken cancellationToken)
    {
        var job = await jobs.GetAsync(command.JobId, cancellationToken) ?? throw new NotFoundException("import job", command.JobId);
        if (!job.IsTerminal)
        {
            return Refused(job, $"job {job.JobId} is {job.Status.ToWire()}: only a COMPLETED or FAILED job can be retried");
        }

        if (job.RetriedBy is { } retry)
        {
            return Refused(job, $"job {job.JobId} was already retried by job {retry}: retry that job instead");
        }

        if (!BatchId.TryParse(job.Snapshot.BatchId, out var batchId))
        {
            return Refused(job, $"job {job.JobId} records no batch, so there is nothing to import again");
        }

        var manifest = await ReadManifestAsync(ObjectKeys.Manifest(batchId), cancellationToken);
        if (manifest is null)
        {
            return Refused(job, $"the manifest of batch {batchId} ({ObjectKeys.Manifest(batchId)}) is missing");
        }

        return job.Status == ImportJobStatus.Failed
            ? await RetryWholeBatchAsync(job, manifest, cancellationToken)
            : await RetryFailedFilesAsync(job, manifest, cancellationToken);
    }

    private async Task<RetryImportJobResult> RetryWholeBatchAsync(ImportJob job, BatchManifest original, CancellationToken cancellationToken)
    {
        var batchId = ids.NewBatchId();
        var manifest = NewManifest(original, batchId, job.JobId, original.InputPrefix, original.Instances);
        var key = await WriteManifestAsync(manifest, cancellationToken);
        LogRetried(logger, job.JobId, batchId.Value, RetryImportJobResult.WholeBatch, manifest.Instances.Count);
        return new RetryImportJobResult
        {
            JobId = job.JobId,
            Retried = true,
            Kind = RetryImportJobResult.WholeBatch,
            BatchId = batchId.Value,
            ManifestKey = key,
            InputPrefix = manifest.InputPrefix,
            RetriedFiles = [.. original.Instances.Select(i => i.Key)],
            Message = $"job {job.JobId} FAILED: batch {batchId.Value} imports its {manifest.Instances.Count} files again from {manifest.InputPrefix}",
        };
    }

    private async Task<RetryImportJobResult> RetryFailedFilesAsync(ImportJob job, BatchManifest original, CancellationToken cancellationToken)
    {
        var results = await imaging.ReadJobResultsAsync(job.Snapshot.DatastoreId, job.JobId, job.Snapshot.OutputS3Uri, cancellationToken);
        if (results.Failures.Count == 0)
        {
            return Refused(job, $"job {job.JobId} COMPLETED with no failed file: nothing to retry");
        }

        var retryable = new List<BatchManifestInstance>();
        var notRetryable = new List<NotRetryableFile>();
        foreach (var failure in results.Failures)
        {
            var instance = original.Instances.FirstOrDefault(i => IsSameFile(failure.InputFile, i.Key));
            if (instance is null)
            {
                notRetryable.Add(new NotRetryableFile(failure.InputFile, $"{failure.Reason} (not listed in batch {original.BatchId}'s manifest)"));
            }
            else if (ImportFailureClassifier.WhyNotRetryable(failure.Reason) is { } why)
            {
                notRetryable.Add(new NotRetryableFile(instance.Key, $"{failure.Reason} ({why})"));
            }
            else if (!retryable.Contains(instance))
            {
                retryable.Add(instance);
            }
        }

        if (retryable.Count == 0)
        {
            return Refused(job, $"none of the {results.Failures.Count} failed files of job {job.JobId} can be fixed by retrying", notRetryable);
        }

        var batchId = ids.NewBatchId();
        var prefix = ObjectKeys.BatchPrefix(batchId);
        var copies = new List<BatchManifestInstance>(retryable.Count);
        foreach (var instance in retryable)
        {
            copies.Add(await CopyAsync(instance, prefix, cancellationToken));
        }

        var manifest = NewManifest(original, batchId, job.JobId, prefix, copies);
        var key = await WriteManifestAsync(manifest, cancellationToken);
        LogRetried(logger, job.JobId, batchId.Value, RetryImportJobResult.FailedFiles, copies.Count);
        return new RetryImportJobResult
        {
            JobId = job.JobId,
            Retried = true,
            Kind = RetryImportJobResult.FailedFiles,
            BatchId = batchId.Value,
            ManifestKey = key,
            InputPrefix = prefix,
            RetriedFiles = [.. retryable.Select(i => i.Key)],
            NotRetryable = notRetryable,
            Message = $"job {job.JobId} COMPLETED with {results.Failures.Count} failed files: batch {batchId.Value} imports {copies.Count} of them again"
                + (notRetryable.Count > 0 ? $"; {notRetryable.Count} cannot be fixed by retrying" : string.Empty),
        };
    }

    /// <summary>failure.ndjson names a file by its key (the local stand-in) or by its S3 URI.</summary>
    private bool IsSameFile(string inputFile, string key) =>
        inputFile == key || inputFile == store.LocationOf(key) || inputFile.EndsWith("/" + key, StringComparison.Ordinal);

    private async Task<BatchManifestInstance> CopyAsync(BatchManifestInstance instance, string prefix, CancellationToken cancellationToken)
    {
        var target = prefix + instance.Key[(instance.Key.LastIndexOf('/') + 1)..];
        await using var source = await store.OpenReadAsync(instance.Key, null, cancellationToken)
            ?? throw new NotFoundException("stored object", instance.Key, "it is listed in the batch manifest");
        await using var upload = await store.BeginPutAsync(target, cancellationToken);
        await source.CopyToAsync(upload.Content, cancellationToken);
        var copied = await upload.CommitAsync(cancellationToken);
        if (copied.Size != instance.Size)
        {
            throw new InvalidDataException($"{instance.Key}: {copied.Size} bytes copied to {target}, the manifest lists {instance.Size}");
        }

        return instance with { Key = target, Checksum = copied.Checksum };
    }

    private BatchManifest NewManifest(
        BatchManifest original, BatchId batchId, string retryOf, string inputPrefix, IReadOnlyList<BatchManifestInstance> instances)
    {
        var now = time.GetUtcNow();
        return original with
        {
            BatchId = batchId.Value,
            InputPrefix = inputPrefix,
            OpenedAt = now,
            ClosedAt = now,
            CloseReason = $"retry of job {retryOf}",
            Instances = instances,
            RetryOf = retryOf,
        };
    }

    private async Task<string> WriteManifestAsync(BatchManifest manifest, CancellationToken cancellationToken)
    {
        var key = ObjectKeys.Manifest(BatchId.Parse(manifest.BatchId));
        await using var upload = await store.BeginPutAsync(key, cancellationToken);
        await JsonSerializer.SerializeAsync(upload.Content, manifest, ApplicationJsonContext.Default.BatchManifest, cancellationToken);
        await upload.CommitAsync(cancellationToken);
        return key;
    }

    private async Task<BatchManifest?> ReadManifestAsync(string key, CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(key, null, cancellationToken);
        return stream is null
            ? null
            : await JsonSerializer.DeserializeAsync(stream, ApplicationJsonContext.Default.BatchManifest, cancellationToken);
    }

    private RetryImportJobResult Refused(ImportJob job, string message, IReadOnlyList<NotRetryableFile>? notRetryable = null)
    {
        LogNothingToRetry(logger, job.JobId, message);
        return new RetryImportJobResult { JobId = job.JobId, Retried = false, NotRetryable = notRetryable ?? [], Message = message };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} retried as batch {BatchId} ({Kind}, {Count} files)")]
    private static partial void LogRetried(ILogger logger, string jobId, string batchId, string kind, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} not retried: {Reason}")]
    private static partial void LogNothingToRetry(ILogger logger, string jobId, string reason);
}
