using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Reading;

namespace ImagingGateway.Dicom.Tests.TestSupport;

/// <summary>Turns our reader's tokens into <see cref="DumpLine"/>s formatted the way dcmdump prints values.</summary>
public sealed class DumpVisitor : IDataSetVisitor
{
    private int _level;

    public List<DumpLine> Lines { get; } = [];

    /// <summary>Dictionary alternative VRs accepted for implicit VR elements (dcmdump resolves US/SS, OB/OW by context).</summary>
    public Dictionary<int, DicomVr> AlternativeVrs { get; } = [];

    public void OnElement(in DicomElementHeader header, ReadOnlySequence<byte> value)
    {
        if (!header.IsExplicitVr && DicomDictionary.Find(header.Tag) is { AlternativeVr: not DicomVr.None } entry)
        {
            AlternativeVrs[Lines.Count] = entry.AlternativeVr;
        }

        Lines.Add(new DumpLine(_level, header.Tag.ToString(), header.Vr.Code(), header.Length.ToString(CultureInfo.InvariantCulture), Format(header, value.ToArray())));
    }

    public void OnSequenceStart(in DicomElementHeader header)
    {
        Lines.Add(new DumpLine(_level, header.Tag.ToString(), "SQ", Len(header.Length), string.Empty));
        _level++;
    }

    public void OnItemStart(long offset, uint length)
    {
        Lines.Add(new DumpLine(_level, "(FFFE,E000)", "ITEM", Len(length), string.Empty));
        _level++;
    }

    public void OnItemEnd() => _level--;

    public void OnSequenceEnd() => _level--;

    public void OnFragmentsStart(in DicomElementHeader header)
    {
        Lines.Add(new DumpLine(_level, header.Tag.ToString(), header.Vr.Code(), "u/l", string.Empty));
        _level++;
    }

    public void OnFragment(long offset, ReadOnlySequence<byte> value) =>
        Lines.Add(new DumpLine(_level, "(FFFE,E000)", "FRAGMENT", value.Length.ToString(CultureInfo.InvariantCulture), Hex(value.ToArray())));

    public void OnFragmentsEnd() => _level--;

    public void OnSkippedValue(in DicomElementHeader header)
    {
    }

    public static string Hex(ReadOnlySpan<byte> bytes) =>
        bytes.IsEmpty ? string.Empty : string.Join('\\', bytes.ToArray().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

    private static string Len(uint length) =>
        length == DicomElementHeader.UndefinedLength ? "u/l" : length.ToString(CultureInfo.InvariantCulture);

    private static string Format(in DicomElementHeader header, byte[] v)
    {
        var le = header.IsLittleEndian;
        return header.Vr switch
        {
            _ when header.Vr.IsString() => Encoding.Latin1.GetString(v).Replace("\r", string.Empty, StringComparison.Ordinal).TrimEnd(' ', '\0'),
            DicomVr.US => Join(v, 2, s => (le ? BinaryPrimitives.ReadUInt16LittleEndian(s) : BinaryPrimitives.ReadUInt16BigEndian(s)).ToString(CultureInfo.InvariantCulture)),
            DicomVr.SS => Join(v, 2, s => (le ? BinaryPrimitives.ReadInt16LittleEndian(s) : BinaryPrimitives.ReadInt16BigEndian(s)).ToString(CultureInfo.InvariantCulture)),
            DicomVr.UL or DicomVr.OL => Join(v, 4, s => (le ? BinaryPrimitives.ReadUInt32LittleEndian(s) : BinaryPrimitives.ReadUInt32BigEndian(s)).ToString(CultureInfo.InvariantCulture)),
            DicomVr.SL => Join(v, 4, s => (le ? BinaryPrimitives.ReadInt32LittleEndian(s) : BinaryPrimitives.ReadInt32BigEndian(s)).ToString(CultureInfo.InvariantCulture)),
            DicomVr.UV or DicomVr.OV => Join(v, 8, s => (le ? BinaryPrimitives.ReadUInt64LittleEndian(s) : BinaryPrimitives.ReadUInt64BigEndian(s)).ToString(CultureInfo.InvariantCulture)),
            DicomVr.SV => Join(v, 8, s => (le ? BinaryPrimitives.ReadInt64LittleEndian(s) : BinaryPrimitives.ReadInt64BigEndian(s)).ToString(CultureInfo.InvariantCulture)),
            DicomVr.FL or DicomVr.OF => Join(v, 4, s => ((double)(le ? BinaryPrimitives.ReadSingleLittleEndian(s) : BinaryPrimitives.ReadSingleBigEndian(s))).ToString("R", CultureInfo.InvariantCulture)),
            DicomVr.FD or DicomVr.OD => Join(v, 8, s => (le ? BinaryPrimitives.ReadDoubleLittleEndian(s) : BinaryPrimitives.ReadDoubleBigEndian(s)).ToString("R", CultureInfo.InvariantCulture)),
            DicomVr.AT => Join(v, 4, s => le
                ? $"({BinaryPrimitives.ReadUInt16LittleEndian(s):x4},{BinaryPrimitives.ReadUInt16LittleEndian(s[2..]):x4})"
                : $"({BinaryPrimitives.ReadUInt16BigEndian(s):x4},{BinaryPrimitives.ReadUInt16BigEndian(s[2..]):x4})"),
            DicomVr.OW => Join(v, 2, s => (le ? BinaryPrimitives.ReadUInt16LittleEndian(s) : BinaryPrimitives.ReadUInt16BigEndian(s)).ToString("x4", CultureInfo.InvariantCulture)),
            _ => Hex(v),
        };
    }

    private delegate string SpanFormatter(ReadOnlySpan<byte> value);

    private static string Join(byte[] v, int size, SpanFormatter format)
    {
        if (v.Length % size != 0)
        {
            return Hex(v);
        }

        var parts = new string[v.Length / size];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = format(v.AsSpan(i * size, size));
        }

        return string.Join('\\', parts);
    }
}
