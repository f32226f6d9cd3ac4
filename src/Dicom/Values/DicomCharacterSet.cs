using System.Collections.Concurrent;
using System.Text;
using ImagingGateway.Dicom.Dictionary;

namespace ImagingGateway.Dicom.Values;

/// <summary>
/// Decoding of text by Specific Character Set (0008,0005), PS3.3 C.12.1.1.2 and PS3.5 6.1: single-byte sets
/// (ISO_IR 100, 101, 109, 110, 144, 127, 126, 138, 148, 203, 166, 13), ISO_IR 192 (UTF-8), GB18030, GBK, and
/// ISO 2022 code extensions with escape sequences (IR 6, 100..., 13, 87, 159, 149, 58).
/// </summary>
public sealed class DicomCharacterSet
{
    private const byte Esc = 0x1B;

    private static readonly ConcurrentDictionary<string, DicomCharacterSet> Cache = new(StringComparer.Ordinal);

    private readonly Encoding? _direct;
    private readonly Designation _initialG0;
    private readonly Designation _initialG1;

    static DicomCharacterSet()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    private DicomCharacterSet(string specificCharacterSet, IReadOnlyList<string> terms, Encoding? direct, Designation g0, Designation g1)
    {
        SpecificCharacterSet = specificCharacterSet;
        Terms = terms;
        _direct = direct;
        _initialG0 = g0;
        _initialG1 = g1;
    }

    /// <summary>The default repertoire (ISO IR 6). Bytes above 0x7F, which it does not allow, are read as Latin-1.</summary>
    public static DicomCharacterSet Default { get; } =
        new(string.Empty, [string.Empty], Encoding.Latin1, Designation.Ascii, Designation.None);

    public string SpecificCharacterSet { get; }

    public IReadOnlyList<string> Terms { get; }

    /// <summary>True when values may switch character sets with ISO 2022 escape sequences.</summary>
    public bool UsesCodeExtensions => _direct is null;

    /// <summary>The character set for a raw (0008,0005) value.</summary>
    public static DicomCharacterSet FromSpecificCharacterSet(ReadOnlySpan<byte> value)
    {
        var text = Encoding.ASCII.GetString(value).TrimEnd(' ', '\0');
        return FromSpecificCharacterSet(text);
    }

    /// <summary>The character set for a (0008,0005) value such as "ISO_IR 100" or "\ISO 2022 IR 87".</summary>
    public static DicomCharacterSet FromSpecificCharacterSet(string value)
    {
        if (value.Length == 0)
        {
            return Default;
        }

        return Cache.GetOrAdd(value, Create);
    }

    /// <summary>
    /// Like <see cref="FromSpecificCharacterSet(ReadOnlySpan{byte})"/>, but an unsupported or malformed value falls back to
    /// the default repertoire (bytes above 0x7F as Latin-1), as DCMTK does with a warning: text stays readable, never fatal.
    /// </summary>
    public static DicomCharacterSet FromSpecificCharacterSetOrDefault(ReadOnlySpan<byte> value)
    {
        try
        {
            return FromSpecificCharacterSet(value);
        }
        catch (NotSupportedException)
        {
            return Default;
        }
    }

    /// <inheritdoc cref="FromSpecificCharacterSetOrDefault(ReadOnlySpan{byte})"/>
    public static DicomCharacterSet FromSpecificCharacterSetOrDefault(string value)
    {
        try
        {
            return FromSpecificCharacterSet(value);
        }
        catch (NotSupportedException)
        {
            return Default;
        }
    }

    /// <summary>Decodes a text value; for PN and multi-line text the escape state resets at delimiters (PS3.5 6.1.2.5.3).</summary>
    public string Decode(ReadOnlySpan<byte> bytes)
    {
        if (_direct is not null)
        {
            return _direct.GetString(bytes);
        }

        if (bytes.IndexOf(Esc) < 0 && _initialG0.Kind == SetKind.SingleByte && _initialG1.Encoding is null)
        {
            return Encoding.Latin1.GetString(bytes);
        }

        return DecodeWithCodeExtensions(bytes);
    }

    public override string ToString() => SpecificCharacterSet;

    private static DicomCharacterSet Create(string value)
    {
        var terms = value.Split('\\').Select(t => t.Trim()).ToArray();
        var usesIso2022 = terms.Length > 1 || terms[0].StartsWith("ISO 2022", StringComparison.Ordinal);
        if (!usesIso2022)
        {
            var encoding = DirectEncoding(terms[0]) ?? throw new NotSupportedException($"Specific Character Set '{value}' is not supported");
            return new DicomCharacterSet(value, terms, encoding, Designation.Ascii, Designation.None);
        }

        var g0 = Designation.Ascii;
        var g1 = Designation.None;
        var first = terms[0];
        if (first.Length > 0)
        {
            var d = ForTerm(first) ?? throw new NotSupportedException($"Specific Character Set term '{first}' is not supported");
            if (d.IsG1)
            {
                g1 = d;
                if (first.EndsWith("IR 13", StringComparison.Ordinal))
                {
                    g0 = Designation.Romaji;
                }
            }
            else
            {
                g0 = d;
            }
        }

        foreach (var term in terms.Skip(1))
        {
            if (term.Length > 0 && ForTerm(term) is null)
            {
                throw new NotSupportedException($"Specific Character Set term '{term}' is not supported");
            }
        }

        return new DicomCharacterSet(value, terms, null, g0, g1);
    }

    private static Encoding? DirectEncoding(string term) => term switch
    {
        "" or "ISO_IR 6" => Encoding.Latin1,
        "ISO_IR 100" => Encoding.Latin1,
        "ISO_IR 101" => Encoding.GetEncoding(28592),
        "ISO_IR 109" => Encoding.GetEncoding(28593),
        "ISO_IR 110" => Encoding.GetEncoding(28594),
        "ISO_IR 144" => Encoding.GetEncoding(28595),
        "ISO_IR 127" => Encoding.GetEncoding(28596),
        "ISO_IR 126" => Encoding.GetEncoding(28597),
        "ISO_IR 138" => Encoding.GetEncoding(28598),
        "ISO_IR 148" => Encoding.GetEncoding(28599),
        "ISO_IR 203" => Encoding.GetEncoding(28605),
        "ISO_IR 166" => Encoding.GetEncoding(874),
        "ISO_IR 13" => Encoding.GetEncoding(932),
        "ISO_IR 192" => Encoding.UTF8,
        "GB18030" => Encoding.GetEncoding(54936),
        "GBK" => Encoding.GetEncoding(936),
        _ => null,
    };

    private static Designation? ForTerm(string term) => term switch
    {
        "ISO 2022 IR 6" => Designation.Ascii,
        "ISO 2022 IR 100" => Designation.G1(28591),
        "ISO 2022 IR 101" => Designation.G1(28592),
        "ISO 2022 IR 109" => Designation.G1(28593),
        "ISO 2022 IR 110" => Designation.G1(28594),
        "ISO 2022 IR 144" => Designation.G1(28595),
        "ISO 2022 IR 127" => Designation.G1(28596),
        "ISO 2022 IR 126" => Designation.G1(28597),
        "ISO 2022 IR 138" => Designation.G1(28598),
        "ISO 2022 IR 148" => Designation.G1(28599),
        "ISO 2022 IR 203" => Designation.G1(28605),
        "ISO 2022 IR 166" => Designation.G1(874),
        "ISO 2022 IR 13" => Designation.Katakana,
        "ISO 2022 IR 87" => Designation.JisX0208,
        "ISO 2022 IR 159" => Designation.JisX0212,
        "ISO 2022 IR 149" => Designation.G1(51949),
        "ISO 2022 IR 58" => Designation.G1(936),
        _ => null,
    };

    /// <summary>The set an escape sequence designates (PS3.3 Tables C.12-3 and C.12-4), and its length.</summary>
    private static (Designation? Set, int Length) ParseEscape(ReadOnlySpan<byte> s)
    {
        // s[0] is ESC.
        if (s.Length >= 3 && s[1] == (byte)'(')
        {
            return s[2] switch
            {
                (byte)'B' => (Designation.Ascii, 3),
                (byte)'J' => (Designation.Romaji, 3),
                _ => (null, 3),
            };
        }

        if (s.Length >= 3 && s[1] == (byte)')' && s[2] == (byte)'I')
        {
            return (Designation.Katakana, 3);
        }

        if (s.Length >= 3 && s[1] == (byte)'-')
        {
            return s[2] switch
            {
                (byte)'A' => (Designation.G1(28591), 3),
                (byte)'B' => (Designation.G1(28592), 3),
                (byte)'C' => (Designation.G1(28593), 3),
                (byte)'D' => (Designation.G1(28594), 3),
                (byte)'L' => (Designation.G1(28595), 3),
                (byte)'G' => (Designation.G1(28596), 3),
                (byte)'F' => (Designation.G1(28597), 3),
                (byte)'H' => (Designation.G1(28598), 3),
                (byte)'M' => (Designation.G1(28599), 3),
                (byte)'b' => (Designation.G1(28605), 3),
                (byte)'T' => (Designation.G1(874), 3),
                _ => (null, 3),
            };
        }

        if (s.Length >= 3 && s[1] == (byte)'$' && s[2] == (byte)'B')
        {
            return (Designation.JisX0208, 3);
        }

        if (s.Length >= 4 && s[1] == (byte)'$' && s[2] == (byte)'(' && s[3] == (byte)'D')
        {
            return (Designation.JisX0212, 4);
        }

        if (s.Length >= 4 && s[1] == (byte)'$' && s[2] == (byte)')')
        {
            return s[3] switch
            {
                (byte)'C' => (Designation.G1(51949), 4),
                (byte)'A' => (Designation.G1(936), 4),
                _ => (null, 4),
            };
        }

        return (null, 1);
    }

    private string DecodeWithCodeExtensions(ReadOnlySpan<byte> bytes)
    {
        var result = new StringBuilder(bytes.Length);
        var g0 = _initialG0;
        var g1 = _initialG1;
        var runStart = 0;
        var i = 0;
        while (i < bytes.Length)
        {
            var b = bytes[i];
            if (b == Esc)
            {
                AppendRun(result, bytes[runStart..i], g0, g1);
                var (set, length) = ParseEscape(bytes[i..]);
                if (set is { } d)
                {
                    if (d.IsG1)
                    {
                        g1 = d;
                    }
                    else
                    {
                        g0 = d;
                    }
                }

                i += Math.Min(length, bytes.Length - i);
                runStart = i;
                continue;
            }

            // PS3.5 6.1.2.5.3: the initial sets are active again after CR, LF, FF, TAB, '\', '^' and '='. In a
            // two-byte G0 set those bytes are halves of characters, so only a single-byte G0 state resets here.
            if (g0.Kind == SetKind.SingleByte && b is 0x0D or 0x0A or 0x0C or 0x09 or (byte)'\\' or (byte)'^' or (byte)'=')
            {
                AppendRun(result, bytes[runStart..(i + 1)], g0, g1);
                g0 = _initialG0;
                g1 = _initialG1;
                runStart = i + 1;
            }

            i++;
        }

        AppendRun(result, bytes[runStart..], g0, g1);
        return result.ToString();
    }

    private static void AppendRun(StringBuilder result, ReadOnlySpan<byte> run, Designation g0, Designation g1)
    {
        if (run.IsEmpty)
        {
            return;
        }

        if (g0.Kind == SetKind.SingleByte)
        {
            var encoding = g1.Encoding ?? Encoding.Latin1;
            if (g1.Kind == SetKind.Katakana)
            {
                // JIS X 0201: Shift_JIS keeps single-byte katakana at 0xA1-0xDF and ASCII below 0x80.
                encoding = Encoding.GetEncoding(932);
            }

            result.Append(encoding.GetString(run));
            return;
        }

        // Two-byte G0 (JIS X 0208 or 0212, 7-bit) with optional G1 katakana: re-express as EUC-JP and decode.
        var euc = new byte[run.Length * 2];
        var n = 0;
        for (var i = 0; i < run.Length; i++)
        {
            var b = run[i];
            if (b >= 0x80)
            {
                if (g1.Kind == SetKind.Katakana)
                {
                    euc[n++] = 0x8E;
                }

                euc[n++] = b;
            }
            else if (b < 0x21 || i + 1 >= run.Length)
            {
                euc[n++] = b;
            }
            else
            {
                if (g0.Kind == SetKind.JisX0212)
                {
                    euc[n++] = 0x8F;
                }

                euc[n++] = (byte)(b | 0x80);
                euc[n++] = (byte)(run[++i] | 0x80);
            }
        }

        result.Append(Encoding.GetEncoding(51932).GetString(euc, 0, n));
    }

    private enum SetKind
    {
        None,
        SingleByte,
        Katakana,
        JisX0208,
        JisX0212,
    }

    private sealed record Designation(SetKind Kind, bool IsG1, Encoding? Encoding)
    {
        public static readonly Designation None = new(SetKind.None, true, null);
        public static readonly Designation Ascii = new(SetKind.SingleByte, false, null);
        public static readonly Designation Romaji = new(SetKind.SingleByte, false, null);
        public static readonly Designation Katakana = new(SetKind.Katakana, true, null);
        public static readonly Designation JisX0208 = new(SetKind.JisX0208, false, null);
        public static readonly Designation JisX0212 = new(SetKind.JisX0212, false, null);

        public static Designation G1(int codePage) => new(SetKind.SingleByte, true, Encoding.GetEncoding(codePage));
    }
}
