namespace ImagingGateway.Dicom.Values;

/// <summary>
/// A Person Name (PN) value, PS3.5 6.2.1: up to three component groups separated by '=' (alphabetic, ideographic,
/// phonetic), each of up to five components separated by '^' (family, given, middle, prefix, suffix).
/// </summary>
public sealed record DicomPersonName(DicomPersonNameGroup Alphabetic, DicomPersonNameGroup Ideographic, DicomPersonNameGroup Phonetic)
{
    public static DicomPersonName Parse(string value)
    {
        var groups = value.Split('=');
        if (groups.Length > 3)
        {
            throw new FormatException($"Person name '{value}' has {groups.Length} component groups, at most 3 are allowed");
        }

        return new DicomPersonName(
            DicomPersonNameGroup.Parse(groups[0]),
            groups.Length > 1 ? DicomPersonNameGroup.Parse(groups[1]) : DicomPersonNameGroup.Empty,
            groups.Length > 2 ? DicomPersonNameGroup.Parse(groups[2]) : DicomPersonNameGroup.Empty);
    }

    /// <summary>The canonical text: trailing empty components and groups dropped (PS3.5 6.2.1 allows omitting them).</summary>
    public override string ToString()
    {
        var groups = new[] { Alphabetic.ToString(), Ideographic.ToString(), Phonetic.ToString() };
        var count = groups.Length;
        while (count > 0 && groups[count - 1].Length == 0)
        {
            count--;
        }

        return string.Join('=', groups, 0, count);
    }
}
