namespace ImagingGateway.Dicom.Dictionary;

/// <summary>Properties of a VR from PS3.5 Table 6.2-1 and 7.1.2.</summary>
public static class DicomVrExtensions
{
    private const byte KnownFlag = 1;
    private const byte LongLengthFlag = 2;

    /// <summary>Flags for every 16-bit code, so the tokenizer classifies a VR with one load instead of a switch.</summary>
    private static readonly byte[] Flags = CreateFlags();

    /// <summary>The two-letter code, e.g. "PN"; "??" for a code that is not two upper-case letters.</summary>
    public static string Code(this DicomVr vr)
    {
        var a = (char)((ushort)vr >> 8);
        var b = (char)((ushort)vr & 0xFF);
        return char.IsAsciiLetterUpper(a) && char.IsAsciiLetterUpper(b) ? string.Create(2, (a, b), static (span, s) =>
        {
            span[0] = s.a;
            span[1] = s.b;
        }) : "??";
    }

    public static bool TryParse(ReadOnlySpan<char> code, out DicomVr vr)
    {
        vr = DicomVr.None;
        if (code.Length != 2)
        {
            return false;
        }

        vr = (DicomVr)((code[0] << 8) | code[1]);
        return vr.IsKnown();
    }

    public static bool IsKnown(this DicomVr vr) => (Flags[(ushort)vr] & KnownFlag) != 0;

    /// <summary>
    /// Explicit VR encodings of these VRs have two reserved bytes and a 32-bit length (PS3.5 7.1.2, Table 7.1-1).
    /// </summary>
    public static bool HasLongExplicitLength(this DicomVr vr) => (Flags[(ushort)vr] & LongLengthFlag) != 0;

    private static byte[] CreateFlags()
    {
        var flags = new byte[65536];
        foreach (var vr in Enum.GetValues<DicomVr>())
        {
            if (vr != DicomVr.None && IsKnownSlow(vr))
            {
                flags[(ushort)vr] = (byte)(KnownFlag | (HasLongExplicitLengthSlow(vr) ? LongLengthFlag : 0));
            }
        }

        return flags;
    }

    private static bool IsKnownSlow(DicomVr vr) => vr switch
    {
        DicomVr.AE or DicomVr.AS or DicomVr.AT or DicomVr.CS or DicomVr.DA or DicomVr.DS or DicomVr.DT or DicomVr.FD
            or DicomVr.FL or DicomVr.IS or DicomVr.LO or DicomVr.LT or DicomVr.OB or DicomVr.OD or DicomVr.OF
            or DicomVr.OL or DicomVr.OV or DicomVr.OW or DicomVr.PN or DicomVr.SH or DicomVr.SL or DicomVr.SQ
            or DicomVr.SS or DicomVr.ST or DicomVr.SV or DicomVr.TM or DicomVr.UC or DicomVr.UI or DicomVr.UL
            or DicomVr.UN or DicomVr.UR or DicomVr.US or DicomVr.UT or DicomVr.UV => true,
        _ => false,
    };

    private static bool HasLongExplicitLengthSlow(DicomVr vr) => vr switch
    {
        DicomVr.OB or DicomVr.OD or DicomVr.OF or DicomVr.OL or DicomVr.OV or DicomVr.OW or DicomVr.SQ or DicomVr.SV
            or DicomVr.UC or DicomVr.UN or DicomVr.UR or DicomVr.UT or DicomVr.UV => true,
        _ => false,
    };

    /// <summary>Character string VRs (values are text in the data set's character repertoire, PS3.5 6.2).</summary>
    public static bool IsString(this DicomVr vr) => vr switch
    {
        DicomVr.AE or DicomVr.AS or DicomVr.CS or DicomVr.DA or DicomVr.DS or DicomVr.DT or DicomVr.IS or DicomVr.LO
            or DicomVr.LT or DicomVr.PN or DicomVr.SH or DicomVr.ST or DicomVr.TM or DicomVr.UC or DicomVr.UI
            or DicomVr.UR or DicomVr.UT => true,
        _ => false,
    };

    /// <summary>String VRs whose values are affected by Specific Character Set (PS3.5 6.1.2.3).</summary>
    public static bool UsesSpecificCharacterSet(this DicomVr vr) => vr switch
    {
        DicomVr.LO or DicomVr.LT or DicomVr.PN or DicomVr.SH or DicomVr.ST or DicomVr.UC or DicomVr.UT => true,
        _ => false,
    };

    /// <summary>String VRs with a single value that may contain a backslash (no VM splitting).</summary>
    public static bool IsSingleValuedText(this DicomVr vr) =>
        vr is DicomVr.LT or DicomVr.ST or DicomVr.UT or DicomVr.UR;

    /// <summary>Size of one binary value, 0 for strings, sequences and OB/UN bytes.</summary>
    public static int BinaryValueSize(this DicomVr vr) => vr switch
    {
        DicomVr.US or DicomVr.SS or DicomVr.OW => 2,
        DicomVr.UL or DicomVr.SL or DicomVr.FL or DicomVr.OF or DicomVr.OL or DicomVr.AT => 4,
        DicomVr.FD or DicomVr.OD or DicomVr.SV or DicomVr.UV or DicomVr.OV => 8,
        _ => 0,
    };

    /// <summary>The padding byte for an odd-length value: space for strings, NUL for UI and binary (PS3.5 6.2).</summary>
    public static byte PaddingByte(this DicomVr vr) => vr.IsString() && vr != DicomVr.UI ? (byte)' ' : (byte)0;
}
