using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Domain.Batches;
using ImagingGateway.Domain.Dicom;

namespace ImagingGateway.Application.Imports.CheckImportStatus;

/// <summary>
/// Turns an import job's output into one <see cref="InstanceImportOutcome"/> per SOP instance of its batch. An image
/// set names its instances; a rejected input file is mapped to its instance by its object key, which is built only
/// from the batch id and the SOP Instance UID (<see cref="ObjectKeys.Instance"/>), so a key, an <c>s3://</c> URI or a
/// path ending in <c>{batchId}/{sopInstanceUid}.dcm</c> names the instance. The index then keeps an outcome only for an
/// instance it holds from this batch, which is the check against its <c>ObjectKey</c>.
/// </summary>
public static class InstanceOutcomes
{
    /// <summary>The outcomes, and in <paramref name="unmapped"/> the input files that name no instance of the batch.</summary>
    public static IReadOnlyList<InstanceImportOutcome> From(
        string batchId, string jobId, ImportJobResults results, DateTimeOffset recordedAt, ICollection<string> unmapped)
    {
        var bySop = new Dictionary<string, InstanceImportOutcome>(StringComparer.Ordinal);
        foreach (var failure in results.Failures)
        {
            if (SopInstanceUidOf(failure.InputFile, batchId) is { } sop)
            {
                bySop[sop] = new InstanceImportOutcome(
                    sop, batchId, jobId, InstanceImportStatus.Failed, null, null, failure.Reason, recordedAt);
            }
            else
            {
                unmapped.Add(failure.InputFile);
            }
        }

        // A file both reported imported and rejected (a service retry) is in an image set: the success wins.
        foreach (var set in results.ImageSets)
        {
            foreach (var sop in set.SopInstanceUids)
            {
                bySop[sop] = new InstanceImportOutcome(
                    sop, batchId, jobId, InstanceImportStatus.Imported, set.ImageSetId, set.ImageSetVersion, null, recordedAt);
            }
        }

        return [.. bySop.Values];
    }

    /// <summary>The SOP Instance UID in an input file name ending in <c>{batchId}/{uid}.dcm</c>, or null.</summary>
    public static string? SopInstanceUidOf(string? inputFile, string batchId)
    {
        if (string.IsNullOrEmpty(inputFile))
        {
            return null;
        }

        var path = inputFile.Replace('\\', '/');
        var name = path[(path.LastIndexOf('/') + 1)..];
        var folder = path[..Math.Max(path.LastIndexOf('/'), 0)];
        folder = folder[(folder.LastIndexOf('/') + 1)..];
        if (!name.EndsWith(ObjectKeys.InstanceSuffix, StringComparison.Ordinal) || !string.Equals(folder, batchId, StringComparison.Ordinal))
        {
            return null;
        }

        var sop = name[..^ObjectKeys.InstanceSuffix.Length];
        return DicomUid.IsValid(sop) ? sop : null;
    }
}
