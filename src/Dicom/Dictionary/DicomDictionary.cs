using System.Collections.Frozen;

namespace ImagingGateway.Dicom.Dictionary;

/// <summary>The PS3.6 data dictionary (generated from DCMTK's dicom.dic by tools/DictionaryGenerator).</summary>
public static partial class DicomDictionary
{
    private static readonly DicomDictionaryEntry PrivateCreatorEntry =
        new(new DicomTag(0x0009, 0x0010), DicomVr.LO, DicomVr.None, "PrivateCreator", "1", false);

    private static readonly DicomDictionaryEntry GroupLengthEntry =
        new(new DicomTag(0x0000, 0x0000), DicomVr.UL, DicomVr.None, "GroupLength", "1", false);

    private static readonly FrozenDictionary<uint, DicomDictionaryEntry> ByTag =
        CreateEntries().ToFrozenDictionary(e => e.Tag.Value);

    private static readonly DicomDictionaryRange[] Ranges = CreateRanges();

    private static readonly Lazy<FrozenDictionary<string, DicomDictionaryEntry>> ByKeyword = new(() =>
        ByTag.Values.GroupBy(e => e.Keyword, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.OrderBy(e => e.IsRetired).First(), StringComparer.Ordinal));

    /// <summary>Number of fixed-tag entries.</summary>
    public static int Count => ByTag.Count;

    /// <summary>Finds the entry for a tag: exact tags, then repeating groups, then generic private and group-length rules.</summary>
    public static DicomDictionaryEntry? Find(DicomTag tag)
    {
        if (ByTag.TryGetValue(tag.Value, out var entry))
        {
            return entry;
        }

        if (tag.Element == 0x0000)
        {
            return GroupLengthEntry with { Tag = tag };
        }

        if (tag.IsPrivate)
        {
            return tag.IsPrivateCreator ? PrivateCreatorEntry with { Tag = tag } : null;
        }

        foreach (var range in Ranges)
        {
            if (range.Matches(tag))
            {
                return range.Entry;
            }
        }

        return null;
    }

    /// <summary>The VR an implicit VR encoding implies for a tag (PS3.5 Annex A.1): the dictionary VR, or UN.</summary>
    public static DicomVr ImplicitVr(DicomTag tag)
    {
        if (ByTag.TryGetValue(tag.Value, out var entry))
        {
            return entry.Vr;
        }

        return Find(tag)?.Vr ?? DicomVr.UN;
    }

    public static DicomDictionaryEntry? FindByKeyword(string keyword) =>
        ByKeyword.Value.TryGetValue(keyword, out var entry) ? entry : null;
}
