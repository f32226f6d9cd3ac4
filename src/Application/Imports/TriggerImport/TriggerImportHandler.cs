using System.Text.Json;
using ImagingGateway.Application.Common.Contracts;
using ImagingGateway.Application.Common.Exceptions;
using ImagingGateway.Application.Common.Options;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Application.Common.Serialization;
using ImagingGateway.Application.Instances;
using ImagingGateway.Domain.Batches;
using ImagingGateway.Domain.Dicom;
using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImagingGateway.Application.Imports.TriggerImport;

/// <summary>
/// Reads the manifest, checks that every object it lists is stored under the batch's prefix with the listed size,
/// reads each object's DICOM header (ranged reads) and starts the workflow (idempotent by batch id) with the job
/// metadata of the first valid instance. As HealthImaging reports bad files in its failure.ndjson and imports the
/// rest, a batch is rejected only when no object is a valid DICOM file; otherwise the bad ones are logged and the
/// import goes ahead. A batch written by <c>jobs retry</c> (<see cref="BatchManifest.RetryOf"/>) may list the objects
/// of the batch it re-imports, under that batch's prefix; its own id still names the execution and the client token,
/// so HealthImaging starts a new job.
/// </summary>
public sealed partial class TriggerImportHandler(
    IInstanceStore store, IImportWorkflow workflow, IOptions<ImportOptions> options, ILogger<TriggerImportHandler> logger)
    : ICommandHandler<TriggerImportCommand, TriggerImportResult>
{
    /// <summary>How many objects are checked at once (HEAD, then ranged GET of the header).</summary>
    public const int MaxConcurrentReads = 16;

    public async ValueTask<TriggerImportResult> Handle(TriggerImportCommand command, CancellationToken cancellationToken)
    {
        ObjectKeys.TryParseManifest(command.ManifestKey, out var batchId);
        var manifest = await ReadManifestAsync(command.ManifestKey, batchId, cancellationToken);
        var problems = await CheckAsync(manifest, batchId, cancellationToken);
        if (problems.Count > 0)
        {
            throw new InvalidBatchException(batchId.Value, problems);
        }

        var first = await FirstValidDicomAsync(manifest, batchId, cancellationToken);
        var prefix = ObjectKeys.BatchPrefix(InputBatchOf(manifest, batchId));
        var results = options.Value.ResultsLocation;
        var input = new ImportState
        {
            BatchId = batchId.Value,
            InputS3Uri = EnsureSlash(store.LocationOf(prefix)),
            OutputS3Uri = EnsureSlash(results) + batchId.Value + "/",
            StudyInstanceUid = first.StudyInstanceUid,
            SeriesInstanceUid = first.SeriesInstanceUid,
            SopInstanceUid = first.SopInstanceUid,
            StudyDate = first.StudyDate,
            InstanceCount = manifest.Instances.Count,
            TotalBytes = manifest.Instances.Sum(i => i.Size),
            RetryOf = manifest.RetryOf,
        };

        var execution = await workflow.StartAsync(input, cancellationToken);
        return new TriggerImportResult(batchId.Value, execution.ExecutionId, execution.AlreadyStarted, input);
    }

    private async Task<BatchManifest> ReadManifestAsync(string key, BatchId batchId, CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(key, null, cancellationToken)
            ?? throw new NotFoundException("batch manifest", key);
        BatchManifest? manifest;
        try
        {
            manifest = await JsonSerializer.DeserializeAsync(stream, ApplicationJsonContext.Default.BatchManifest, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new InvalidBatchException(batchId.Value, [$"manifest {key} is not a valid batch manifest: {ex.Message}"]);
        }

        if (manifest is null)
        {
            throw new InvalidBatchException(batchId.Value, [$"manifest {key} is empty (JSON null)"]);
        }

        return manifest;
    }

    private async Task<List<string>> CheckAsync(BatchManifest manifest, BatchId batchId, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (manifest.BatchId != batchId.Value)
        {
            problems.Add($"manifest names batch '{manifest.BatchId}', its key names {batchId}");
            return problems;
        }

        if (manifest.Instances is not { Count: > 0 })
        {
            problems.Add("manifest lists no instance");
            return problems;
        }

        if (manifest.RetryOf is not null && !ObjectKeys.TryParseBatchPrefix(manifest.InputPrefix, out _))
        {
            problems.Add($"inputPrefix '{manifest.InputPrefix}' of a retry batch is not a batch prefix");
            return problems;
        }

        var inputBatch = InputBatchOf(manifest, batchId);
        var first = manifest.Instances[0];
        if (!DicomUid.IsValid(first.StudyInstanceUid) || !DicomUid.IsValid(first.SeriesInstanceUid) || !DicomUid.IsValid(first.SopInstanceUid))
        {
            problems.Add($"first instance {first.Key} has an invalid study, series or SOP instance UID");
        }

        var found = await ForEachInstanceAsync(manifest, async (instance, ct) =>
        {
            if (!ObjectKeys.TryParseInstance(instance.Key ?? string.Empty, out var owner) || owner != inputBatch)
            {
                return $"{instance.Key}: not an instance key of batch {inputBatch}";
            }

            var info = await store.GetInfoAsync(instance.Key!, ct);
            return info is null ? $"{instance.Key}: missing"
                : info.Size != instance.Size ? $"{instance.Key}: {info.Size} bytes stored, manifest says {instance.Size}"
                : null;
        }, cancellationToken);
        problems.AddRange(found.OfType<string>());

        return problems;
    }

    /// <summary>
    /// Reads every instance's header: 'DICM' present, a parsable header with valid UIDs, and the SOP Class and
    /// Instance UIDs the manifest lists. Returns the first valid instance; throws when there is none.
    /// </summary>
    private async Task<BatchManifestInstance> FirstValidDicomAsync(BatchManifest manifest, BatchId batchId, CancellationToken cancellationToken)
    {
        var reader = new StoredInstanceReader(store);
        var verdicts = await ForEachInstanceAsync(manifest, async (instance, ct) =>
        {
            var read = await reader.ReadHeaderAsync(new StoredObjectInfo(instance.Key, instance.Size, instance.Checksum, DateTimeOffset.MinValue), ct);
            return read switch
            {
                null => "missing",
                { Meta: null } => $"not a DICOM Part 10 file: {read.Error?.ToString() ?? "no 'DICM' file meta information"}",
                _ => InstanceChecks.Check(read, instance.SopClassUid, instance.SopInstanceUid)?.Detail,
            };
        }, cancellationToken);
        var bad = verdicts.Select((problem, i) => problem is null ? null : $"{manifest.Instances[i].Key}: {problem}").OfType<string>().ToList();
        var firstValid = Array.IndexOf(verdicts, null);
        if (firstValid < 0)
        {
            throw new InvalidBatchException(batchId.Value, ["no object of the batch is a valid DICOM file", .. bad]);
        }

        if (bad.Count > 0)
        {
            LogInvalidObjects(logger, batchId.Value, bad.Count, manifest.Instances.Count, string.Join("; ", bad));
        }

        return manifest.Instances[firstValid];
    }

    /// <summary>
    /// Runs <paramref name="check"/> on every instance, <see cref="MaxConcurrentReads"/> at a time (a batch may hold
    /// thousands of objects and the function has minutes), and returns the results in manifest order.
    /// </summary>
    private static async Task<string?[]> ForEachInstanceAsync(
        BatchManifest manifest, Func<BatchManifestInstance, CancellationToken, ValueTask<string?>> check, CancellationToken cancellationToken)
    {
        var results = new string?[manifest.Instances.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, results.Length),
            new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentReads, CancellationToken = cancellationToken },
            async (i, ct) => results[i] = await check(manifest.Instances[i], ct));
        return results;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch {BatchId}: {Count} of {Total} objects are not valid DICOM files; importing the rest (HealthImaging lists these in failure.ndjson): {Problems}")]
    private static partial void LogInvalidObjects(ILogger logger, string batchId, int count, int total, string problems);

    /// <summary>The batch whose prefix is imported: a retry batch's input prefix, otherwise the batch itself.</summary>
    private static BatchId InputBatchOf(BatchManifest manifest, BatchId batchId) =>
        manifest.RetryOf is not null && ObjectKeys.TryParseBatchPrefix(manifest.InputPrefix, out var input) ? input : batchId;

    private static string EnsureSlash(string uri) => uri.EndsWith('/') ? uri : uri + "/";
}
