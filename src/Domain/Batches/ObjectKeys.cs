using System.Globalization;
using ImagingGateway.Domain.Dicom;

namespace ImagingGateway.Domain.Batches;

/// <summary>
/// The object keys of ../shared/DESIGN.md. Built only from our own ids, a date and validated UIDs, so no value
/// received from the network can make a key that escapes its prefix.
/// </summary>
public static class ObjectKeys
{
    public const string InstancesRoot = "dicom/";
    public const string ManifestsRoot = "batches/";
    public const string ManifestSuffix = ".json";
    public const string InstanceSuffix = ".dcm";

    /// <summary>
    /// Where a marker lives while its batch is open, so that recovery after a crash lists only open batches. Outside
    /// <see cref="ManifestsRoot"/>, whose object-created events start imports.
    /// </summary>
    public const string OpenMarkersRoot = "open-batches/";

    /// <summary><c>dicom/{yyyy}/{MM}/{dd}/{batchId}/</c>, always ending with '/' so one batch never matches another.</summary>
    public static string BatchPrefix(BatchId batchId)
    {
        var day = batchId.Timestamp.UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{InstancesRoot}{day:yyyy}/{day:MM}/{day:dd}/{batchId.Value}/");
    }

    /// <summary><c>dicom/{yyyy}/{MM}/{dd}/{batchId}/{sopInstanceUid}.dcm</c></summary>
    public static string Instance(BatchId batchId, DicomUid sopInstanceUid) =>
        BatchPrefix(batchId) + sopInstanceUid.Value + InstanceSuffix;

    /// <summary><c>batches/{batchId}.json</c>: writing it closes the batch and triggers its import.</summary>
    public static string Manifest(BatchId batchId) => ManifestsRoot + batchId.Value + ManifestSuffix;

    /// <summary><c>open-batches/{batchId}.json</c>: present from the batch's first store until its manifest is written.</summary>
    public static string OpenMarker(BatchId batchId) => OpenMarkersRoot + batchId.Value + ManifestSuffix;

    /// <summary>The batch an open-batch marker key names, or false when the key is not a marker key.</summary>
    public static bool TryParseOpenMarker(string key, out BatchId batchId)
    {
        batchId = default;
        return key.StartsWith(OpenMarkersRoot, StringComparison.Ordinal)
            && key.EndsWith(ManifestSuffix, StringComparison.Ordinal)
            && BatchId.TryParse(key[OpenMarkersRoot.Length..^ManifestSuffix.Length], out batchId);
    }

    /// <summary>The batch a manifest key names, or false when the key is not a manifest key.</summary>
    public static bool TryParseManifest(string key, out BatchId batchId)
    {
        batchId = default;
        return key.StartsWith(ManifestsRoot, StringComparison.Ordinal)
            && key.EndsWith(ManifestSuffix, StringComparison.Ordinal)
            && BatchId.TryParse(key[ManifestsRoot.Length..^ManifestSuffix.Length], out batchId);
    }

    /// <summary>The batch a prefix is the <see cref="BatchPrefix"/> of, or false when it is no batch's prefix.</summary>
    public static bool TryParseBatchPrefix(string? prefix, out BatchId batchId)
    {
        batchId = default;
        if (prefix is null || !prefix.EndsWith('/'))
        {
            return false;
        }

        var parts = prefix.Split('/');
        return parts.Length == 6 && BatchId.TryParse(parts[4], out batchId) && BatchPrefix(batchId) == prefix;
    }

    /// <summary>The batch an instance key belongs to, or false when the key is not an instance key.</summary>
    public static bool TryParseInstance(string key, out BatchId batchId)
    {
        batchId = default;
        if (!key.StartsWith(InstancesRoot, StringComparison.Ordinal) || !key.EndsWith(InstanceSuffix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = key.Split('/');
        return parts.Length == 6 && BatchId.TryParse(parts[4], out batchId) && BatchPrefix(batchId) + parts[5] == key;
    }
}
