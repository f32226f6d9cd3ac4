namespace ImagingGateway.Dicom.Values;

/// <summary>One component group of a person name: family^given^middle^prefix^suffix (PS3.5 6.2.1.1).</summary>
public sealed record DicomPersonNameGroup(string FamilyName, string GivenName, string MiddleName, string Prefix, string Suffix)
{
    public static DicomPersonNameGroup Empty { get; } = new(string.Empty, string.Empty, string.Empty, string.Empty, string.Empty);

    public bool IsEmpty => ToString().Length == 0;

    public static DicomPersonNameGroup Parse(string group)
    {
        var c = group.Split('^');
        if (c.Length > 5)
        {
            throw new FormatException($"Person name group '{group}' has {c.Length} components, at most 5 are allowed");
        }

        string At(int i) => i < c.Length ? c[i].Trim(' ') : string.Empty;
        return new DicomPersonNameGroup(At(0), At(1), At(2), At(3), At(4));
    }

    public override string ToString()
    {
        var parts = new[] { FamilyName, GivenName, MiddleName, Prefix, Suffix };
        var count = parts.Length;
        while (count > 0 && parts[count - 1].Length == 0)
        {
            count--;
        }

        return string.Join('^', parts, 0, count);
    }
}
