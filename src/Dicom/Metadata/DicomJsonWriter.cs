using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ImagingGateway.Dicom.DataSets;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Values;

namespace ImagingGateway.Dicom.Metadata;

/// <summary>
/// The DICOM JSON Model (PS3.18 F.2): an object keyed by "GGGGEEEE", each attribute { "vr", "Value" | "InlineBinary" }.
/// Text is decoded with the data set's Specific Character Set; IS/DS become numbers where they parse, PN becomes
/// { "Alphabetic", "Ideographic", "Phonetic" }, sequences nest, group lengths are left out (F.2.1.1).
/// </summary>
public static class DicomJsonWriter
{
    public static string ToJson(DataSet dataSet, DicomJsonOptions? options = null)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            Write(writer, dataSet, options ?? DicomJsonOptions.Default);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static void Write(Utf8JsonWriter writer, DataSet dataSet, DicomJsonOptions options)
    {
        writer.WriteStartObject();
        foreach (var element in dataSet)
        {
            if (element.Tag.IsGroupLength || (options.Filter is { } filter && !filter(element.Tag)))
            {
                continue;
            }

            writer.WritePropertyName(element.Tag.ToJsonKey());
            writer.WriteStartObject();
            writer.WriteString("vr", element.Vr.Code());
            switch (element)
            {
                case SequenceElement sequence:
                    if (sequence.Items.Count > 0)
                    {
                        writer.WriteStartArray("Value");
                        var nested = options with { Filter = null };
                        foreach (var item in sequence.Items)
                        {
                            Write(writer, item, nested);
                        }

                        writer.WriteEndArray();
                    }

                    break;
                case ValueElement value:
                    WriteValue(writer, dataSet, value, options);
                    break;
                case FragmentsElement:
                    // Encapsulated pixel data is bulk data (F.2.7); a BulkDataURI needs a server, so it is left out.
                    break;
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, DataSet dataSet, ValueElement element, DicomJsonOptions options)
    {
        if (element.Length == 0)
        {
            return;
        }

        var vr = element.Vr;
        var span = element.Value.Span;
        if (vr is DicomVr.OB or DicomVr.OD or DicomVr.OF or DicomVr.OL or DicomVr.OV or DicomVr.OW or DicomVr.UN)
        {
            if (element.Length <= options.InlineBinaryLimit)
            {
                writer.WriteBase64String("InlineBinary", LittleEndianBytes(element));
            }

            return;
        }

        writer.WriteStartArray("Value");
        if (vr.IsString())
        {
            var text = DicomStrings.Decode(span, vr, dataSet.CharacterSet);
            foreach (var part in DicomStrings.Split(text, vr))
            {
                WriteString(writer, vr, part);
            }
        }
        else
        {
            WriteBinaryNumbers(writer, element);
        }

        writer.WriteEndArray();
    }

    private static void WriteString(Utf8JsonWriter writer, DicomVr vr, string part)
    {
        switch (vr)
        {
            case DicomVr.PN:
                if (part.Length == 0)
                {
                    writer.WriteNullValue();
                    return;
                }

                var groups = part.Split('=');
                writer.WriteStartObject();
                string[] names = ["Alphabetic", "Ideographic", "Phonetic"];
                for (var i = 0; i < Math.Min(groups.Length, 3); i++)
                {
                    if (groups[i].Length > 0)
                    {
                        writer.WriteString(names[i], groups[i]);
                    }
                }

                writer.WriteEndObject();
                return;
            case DicomVr.IS when DicomNumbers.TryParseIntegerString(part, out var i):
                writer.WriteNumberValue(i);
                return;
            case DicomVr.DS when DicomNumbers.TryParseDecimalString(part, out var d):
                writer.WriteNumberValue(d);
                return;
            case DicomVr.IS or DicomVr.DS when part.Length == 0:
                writer.WriteNullValue();
                return;
            default:
                if (part.Length == 0 && vr != DicomVr.LT && vr != DicomVr.ST && vr != DicomVr.UT)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    writer.WriteStringValue(part);
                }

                return;
        }
    }

    private static void WriteBinaryNumbers(Utf8JsonWriter writer, ValueElement element)
    {
        var span = element.Value.Span;
        var le = element.IsLittleEndian;
        var size = element.Vr.BinaryValueSize();
        if (size == 0 || span.Length % size != 0)
        {
            return;
        }

        for (var i = 0; i < span.Length; i += size)
        {
            var s = span.Slice(i, size);
            switch (element.Vr)
            {
                case DicomVr.US:
                    writer.WriteNumberValue(le ? BinaryPrimitives.ReadUInt16LittleEndian(s) : BinaryPrimitives.ReadUInt16BigEndian(s));
                    break;
                case DicomVr.SS:
                    writer.WriteNumberValue(le ? BinaryPrimitives.ReadInt16LittleEndian(s) : BinaryPrimitives.ReadInt16BigEndian(s));
                    break;
                case DicomVr.UL:
                    writer.WriteNumberValue(le ? BinaryPrimitives.ReadUInt32LittleEndian(s) : BinaryPrimitives.ReadUInt32BigEndian(s));
                    break;
                case DicomVr.SL:
                    writer.WriteNumberValue(le ? BinaryPrimitives.ReadInt32LittleEndian(s) : BinaryPrimitives.ReadInt32BigEndian(s));
                    break;
                case DicomVr.UV:
                    writer.WriteNumberValue(le ? BinaryPrimitives.ReadUInt64LittleEndian(s) : BinaryPrimitives.ReadUInt64BigEndian(s));
                    break;
                case DicomVr.SV:
                    writer.WriteNumberValue(le ? BinaryPrimitives.ReadInt64LittleEndian(s) : BinaryPrimitives.ReadInt64BigEndian(s));
                    break;
                case DicomVr.FL:
                    WriteFloat(writer, le ? BinaryPrimitives.ReadSingleLittleEndian(s) : BinaryPrimitives.ReadSingleBigEndian(s));
                    break;
                case DicomVr.FD:
                    WriteFloat(writer, le ? BinaryPrimitives.ReadDoubleLittleEndian(s) : BinaryPrimitives.ReadDoubleBigEndian(s));
                    break;
                case DicomVr.AT:
                    var group = le ? BinaryPrimitives.ReadUInt16LittleEndian(s) : BinaryPrimitives.ReadUInt16BigEndian(s);
                    var elem = le ? BinaryPrimitives.ReadUInt16LittleEndian(s[2..]) : BinaryPrimitives.ReadUInt16BigEndian(s[2..]);
                    writer.WriteStringValue(new DicomTag(group, elem).ToJsonKey());
                    break;
            }
        }
    }

    private static void WriteFloat(Utf8JsonWriter writer, double value)
    {
        // JSON has no NaN or infinity; PS3.18 F.2.3.1 leaves them out of the model, so they become strings.
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static void WriteFloat(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>InlineBinary is the little-endian encoding of the value (PS3.18 F.2.7).</summary>
    private static byte[] LittleEndianBytes(ValueElement element)
    {
        var bytes = element.Value.ToArray();
        var size = element.Vr.BinaryValueSize();
        if (!element.IsLittleEndian && size > 1 && bytes.Length % size == 0)
        {
            for (var i = 0; i < bytes.Length; i += size)
            {
                bytes.AsSpan(i, size).Reverse();
            }
        }

        return bytes;
    }
}
