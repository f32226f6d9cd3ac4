using System.Collections.Frozen;

namespace ImagingGateway.Dicom.Dictionary;

public static partial class SopClasses
{
    private static readonly Lazy<FrozenDictionary<string, DicomUid>> ByUid =
        new(() => All.ToFrozenDictionary(u => u.Value, StringComparer.Ordinal));

    private static readonly Lazy<FrozenSet<string>> StorageUids =
        new(() => Storage.Select(u => u.Value).ToFrozenSet(StringComparer.Ordinal));

    /// <summary>The registered SOP class with this UID, or null.</summary>
    public static DicomUid? Find(string uid) => ByUid.Value.TryGetValue(uid, out var value) ? value : null;

    /// <summary>True for a registered storage SOP class (one a C-STORE SCP accepts).</summary>
    public static bool IsStorage(string uid) => StorageUids.Value.Contains(uid);
}
