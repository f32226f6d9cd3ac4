using System.Buffers.Binary;
using System.Collections;
using System.Globalization;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Values;

namespace ImagingGateway.Dicom.DataSets;

/// <summary>
/// A data set (PS3.5 7): elements in the order they were read. Items of a sequence are data sets whose
/// <see cref="Parent"/> is the enclosing data set, so Specific Character Set is inherited (PS3.5 7.5.3).
/// </summary>
public sealed class DataSet : IEnumerable<DataElement>
{
    private readonly List<DataElement> _elements = [];
    private DicomCharacterSet? _characterSet;

    public DataSet(DataSet? parent = null, bool hasUndefinedLength = false)
    {
        Parent = parent;
        HasUndefinedLength = hasUndefinedLength;
    }

    public DataSet? Parent { get; }

    /// <summary>For an item: encoded with undefined length and an Item Delimitation Item.</summary>
    public bool HasUndefinedLength { get; }

    public int Count => _elements.Count;

    public DataElement this[int index] => _elements[index];

    /// <summary>The character set for text values: this data set's (0008,0005), else the parent's, else the default repertoire.</summary>
    public DicomCharacterSet CharacterSet
    {
        get
        {
            if (_characterSet is null)
            {
                var own = Find(DicomTags.SpecificCharacterSet) as ValueElement;
                _characterSet = own is not null ? DicomCharacterSet.FromSpecificCharacterSetOrDefault(own.Value.Span)
                    : Parent?.CharacterSet ?? DicomCharacterSet.Default;
            }

            return _characterSet;
        }
    }

    public void Add(DataElement element)
    {
        _elements.Add(element);
        if (element.Tag == DicomTags.SpecificCharacterSet)
        {
            _characterSet = null;
        }
    }

    /// <summary>Adds or replaces the element with this tag, keeping ascending tag order (PS3.5 7.1).</summary>
    public void Set(DataElement element)
    {
        var index = _elements.FindIndex(e => e.Tag.Value >= element.Tag.Value);
        if (index < 0)
        {
            _elements.Add(element);
        }
        else if (_elements[index].Tag == element.Tag)
        {
            _elements[index] = element;
        }
        else
        {
            _elements.Insert(index, element);
        }

        if (element.Tag == DicomTags.SpecificCharacterSet)
        {
            _characterSet = null;
        }
    }

    /// <summary>Sets a text value, padded to even length (space, or NUL for UI; PS3.5 6.2). Multiple values join with '\'.</summary>
    public void SetString(DicomTag tag, DicomVr vr, params string[] values)
    {
        var text = string.Join('\\', values);
        var encoding = vr.UsesSpecificCharacterSet() && CharacterSet.SpecificCharacterSet == "ISO_IR 192"
            ? System.Text.Encoding.UTF8
            : System.Text.Encoding.Latin1;
        var bytes = encoding.GetBytes(text);
        if (bytes.Length % 2 == 1)
        {
            Array.Resize(ref bytes, bytes.Length + 1);
            bytes[^1] = vr.PaddingByte();
        }

        Set(new ValueElement(tag, vr, bytes));
    }

    /// <summary>Sets a US value (little endian).</summary>
    public void SetUInt16(DicomTag tag, ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        Set(new ValueElement(tag, DicomVr.US, bytes));
    }

    /// <summary>Sets a UL value (little endian).</summary>
    public void SetUInt32(DicomTag tag, uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        Set(new ValueElement(tag, DicomVr.UL, bytes));
    }

    public bool Contains(DicomTag tag) => Find(tag) is not null;

    /// <summary>The element with this tag, or null. Linear for small data sets, binary search when sorted.</summary>
    public DataElement? Find(DicomTag tag)
    {
        var lo = 0;
        var hi = _elements.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var t = _elements[mid].Tag.Value;
            if (t == tag.Value)
            {
                return _elements[mid];
            }

            if (t < tag.Value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        // Data sets should be in ascending tag order (PS3.5 7.1), but tolerate files that are not.
        foreach (var element in _elements)
        {
            if (element.Tag == tag)
            {
                return element;
            }
        }

        return null;
    }

    /// <summary>The whole text value of a string element, decoded with the character set, trailing padding removed.</summary>
    public string? GetString(DicomTag tag) =>
        Find(tag) is ValueElement v ? DicomStrings.Decode(v.Value.Span, v.Vr, CharacterSet) : null;

    /// <summary>The values of a multi-valued string element (split at backslash, PS3.5 6.4).</summary>
    public IReadOnlyList<string> GetStrings(DicomTag tag) =>
        Find(tag) is ValueElement v ? DicomStrings.Split(DicomStrings.Decode(v.Value.Span, v.Vr, CharacterSet), v.Vr) : [];

    public SequenceElement? GetSequence(DicomTag tag) => Find(tag) as SequenceElement;

    /// <summary>The first value of a US/SS/UL/SL element, or of an IS string.</summary>
    public long? GetInteger(DicomTag tag)
    {
        if (Find(tag) is not ValueElement v)
        {
            return null;
        }

        var span = v.Value.Span;
        return v.Vr switch
        {
            DicomVr.US when span.Length >= 2 => v.IsLittleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(span) : BinaryPrimitives.ReadUInt16BigEndian(span),
            DicomVr.SS when span.Length >= 2 => v.IsLittleEndian ? BinaryPrimitives.ReadInt16LittleEndian(span) : BinaryPrimitives.ReadInt16BigEndian(span),
            DicomVr.UL when span.Length >= 4 => v.IsLittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(span) : BinaryPrimitives.ReadUInt32BigEndian(span),
            DicomVr.SL when span.Length >= 4 => v.IsLittleEndian ? BinaryPrimitives.ReadInt32LittleEndian(span) : BinaryPrimitives.ReadInt32BigEndian(span),
            DicomVr.IS => DicomNumbers.TryParseIntegerString(GetStrings(tag).FirstOrDefault(), out var i) ? i : null,
            _ => null,
        };
    }

    public IEnumerator<DataElement> GetEnumerator() => _elements.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"DataSet ({Count} elements)");
}
