using System.Text;
using ImagingGateway.Dicom.Dictionary;

namespace ImagingGateway.Dicom.Values;

/// <summary>Text values of string VRs (PS3.5 6.2): padding, value multiplicity, character set.</summary>
public static class DicomStrings
{
    /// <summary>
    /// Decodes a value: text VRs through the character set, the others as ASCII; trailing spaces and NULs removed
    /// (and leading spaces, except for LT, ST, UT and UR, where they are significant).
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> value, DicomVr vr, DicomCharacterSet characterSet)
    {
        var end = value.Length;
        while (end > 0 && (value[end - 1] == (byte)' ' || value[end - 1] == 0))
        {
            end--;
        }

        value = value[..end];
        if (value.IsEmpty)
        {
            return string.Empty;
        }

        var text = vr.UsesSpecificCharacterSet() ? characterSet.Decode(value) : Encoding.Latin1.GetString(value);
        return text;
    }

    /// <summary>Splits a decoded value at backslashes (PS3.5 6.4), trimming each value's padding.</summary>
    public static IReadOnlyList<string> Split(string text, DicomVr vr)
    {
        if (vr.IsSingleValuedText())
        {
            return text.Length == 0 ? [] : [text];
        }

        if (text.Length == 0)
        {
            return [];
        }

        var parts = text.Split('\\');
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = vr is DicomVr.PN or DicomVr.LO or DicomVr.SH or DicomVr.UC ? parts[i].TrimEnd(' ', '\0') : parts[i].Trim(' ', '\0');
        }

        return parts;
    }
}
