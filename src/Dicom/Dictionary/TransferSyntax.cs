using System.Collections.Frozen;

namespace ImagingGateway.Dicom.Dictionary;

/// <summary>A transfer syntax (PS3.5 10) and the encoding rules it implies for a data set.</summary>
public sealed partial class TransferSyntax
{
    private static readonly Lazy<FrozenDictionary<string, TransferSyntax>> ByUid =
        new(() => All.ToFrozenDictionary(t => t.Uid, StringComparer.Ordinal));

    private TransferSyntax(
        string uid,
        string name,
        string keyword,
        bool isExplicitVr,
        bool isLittleEndian,
        bool isEncapsulated,
        bool isDeflated,
        bool isRetired)
    {
        Uid = uid;
        Name = name;
        Keyword = keyword;
        IsExplicitVr = isExplicitVr;
        IsLittleEndian = isLittleEndian;
        IsEncapsulated = isEncapsulated;
        IsDeflated = isDeflated;
        IsRetired = isRetired;
    }

    public string Uid { get; }

    public string Name { get; }

    public string Keyword { get; }

    public bool IsExplicitVr { get; }

    public bool IsLittleEndian { get; }

    /// <summary>Pixel data is encapsulated: a sequence of fragments behind a Basic Offset Table (PS3.5 A.4).</summary>
    public bool IsEncapsulated { get; }

    /// <summary>The data set (after the file meta information) is compressed with raw Deflate (RFC 1951, PS3.5 A.5).</summary>
    public bool IsDeflated { get; }

    public bool IsRetired { get; }

    /// <summary>True for a UID listed in PS3.6 Annex A.</summary>
    public bool IsKnown => ByUid.Value.ContainsKey(Uid);

    /// <summary>The transfer syntax for a registered UID, or null.</summary>
    public static TransferSyntax? Find(string uid) => ByUid.Value.TryGetValue(uid, out var ts) ? ts : null;

    /// <summary>
    /// The transfer syntax for a UID. An unknown UID is assumed to be a private compressed syntax, encoded as
    /// Explicit VR Little Endian with encapsulated pixel data (PS3.5 10.1 requires explicit VR little endian for
    /// every transfer syntax other than the three native ones).
    /// </summary>
    public static TransferSyntax Lookup(string uid) =>
        Find(uid) ?? new TransferSyntax(uid, uid, string.Empty, true, true, true, false, false);

    public override string ToString() => $"{Name} ({Uid})";
}
