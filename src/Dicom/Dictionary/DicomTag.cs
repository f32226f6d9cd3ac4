using System.Globalization;

namespace ImagingGateway.Dicom.Dictionary;

/// <summary>A data element tag (group, element), PS3.5 7.1. Ordered as the standard orders elements in a data set.</summary>
public readonly record struct DicomTag(ushort Group, ushort Element) : IComparable<DicomTag>
{
    public DicomTag(uint value)
        : this((ushort)(value >> 16), (ushort)value)
    {
    }

    /// <summary>The tag as one number, group in the high 16 bits.</summary>
    public uint Value => ((uint)Group << 16) | Element;

    /// <summary>Odd groups are private (PS3.5 7.8), except the illegal groups 0001, 0003, 0005, 0007 and FFFF.</summary>
    public bool IsPrivate => (Group & 1) == 1 && Group > 0x0007 && Group != 0xFFFF;

    /// <summary>(gggg,0010-00FF) of a private group reserves a block of elements (PS3.5 7.8.1).</summary>
    public bool IsPrivateCreator => IsPrivate && Element is >= 0x0010 and <= 0x00FF;

    public bool IsGroupLength => Element == 0x0000;

    public static DicomTag Item => new(0xFFFE, 0xE000);

    public static DicomTag ItemDelimitationItem => new(0xFFFE, 0xE00D);

    public static DicomTag SequenceDelimitationItem => new(0xFFFE, 0xE0DD);

    public static DicomTag PixelData => new(0x7FE0, 0x0010);

    public int CompareTo(DicomTag other) => Value.CompareTo(other.Value);

    public static bool operator <(DicomTag left, DicomTag right) => left.Value < right.Value;

    public static bool operator >(DicomTag left, DicomTag right) => left.Value > right.Value;

    public static bool operator <=(DicomTag left, DicomTag right) => left.Value <= right.Value;

    public static bool operator >=(DicomTag left, DicomTag right) => left.Value >= right.Value;

    /// <summary>Parses "(0010,0020)", "0010,0020" or "00100020".</summary>
    public static DicomTag Parse(string text)
    {
        var s = text.Trim().TrimStart('(').TrimEnd(')').Replace(",", string.Empty, StringComparison.Ordinal);
        if (s.Length != 8 || !uint.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            throw new FormatException($"'{text}' is not a DICOM tag (gggg,eeee).");
        }

        return new DicomTag(value);
    }

    /// <summary>"(gggg,eeee)" in upper-case hex, as PS3.5 and dcmdump print tags.</summary>
    public override string ToString() => $"({Group:X4},{Element:X4})";

    /// <summary>"ggggeeee", the DICOM JSON attribute name (PS3.18 F.2.1.1).</summary>
    public string ToJsonKey() => Value.ToString("X8", CultureInfo.InvariantCulture);
}
