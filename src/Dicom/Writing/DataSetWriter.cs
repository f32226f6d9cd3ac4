using System.Buffers;
using System.Buffers.Binary;
using ImagingGateway.Dicom.DataSets;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Reading;

namespace ImagingGateway.Dicom.Writing;

/// <summary>
/// Encodes a <see cref="DataSet"/> in a transfer syntax (PS3.5 7). Values are written as stored (odd lengths kept), in
/// the target byte order; sequences and items keep the defined or undefined length they were read with, and defined
/// lengths are recomputed. A data set read and written with the same transfer syntax yields the same bytes.
/// UN sequences of undefined length are written in Implicit VR Little Endian, as PS3.5 6.2.2 requires.
/// </summary>
public static class DataSetWriter
{
    private const uint Undefined = DicomElementHeader.UndefinedLength;

    public static byte[] Encode(DataSet dataSet, TransferSyntax transferSyntax)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        Write(dataSet, transferSyntax, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(DataSet dataSet, TransferSyntax transferSyntax, IBufferWriter<byte> output)
    {
        if (transferSyntax.IsDeflated)
        {
            throw new NotSupportedException("Encode with the uncompressed syntax and deflate the result (PS3.5 A.5)");
        }

        WriteDataSet(dataSet, new Encoding(transferSyntax.IsExplicitVr, transferSyntax.IsLittleEndian), output);
    }

    /// <summary>The encoded length of a data set (without item headers).</summary>
    public static long Measure(DataSet dataSet, TransferSyntax transferSyntax) =>
        MeasureDataSet(dataSet, new Encoding(transferSyntax.IsExplicitVr, transferSyntax.IsLittleEndian));

    private static void WriteDataSet(DataSet dataSet, Encoding encoding, IBufferWriter<byte> output)
    {
        foreach (var element in dataSet)
        {
            switch (element)
            {
                case ValueElement value:
                    WriteHeader(output, encoding, value.Tag, value.Vr, (uint)value.Length);
                    WriteValue(output, value, encoding.LittleEndian);
                    break;
                case SequenceElement sequence:
                    WriteSequence(output, encoding, sequence);
                    break;
                case FragmentsElement fragments:
                    WriteHeader(output, encoding, fragments.Tag, fragments.Vr, Undefined);
                    foreach (var fragment in fragments.Items)
                    {
                        WriteItemTag(output, encoding.LittleEndian, 0xE000, (uint)fragment.Length);
                        output.Write(fragment.Span);
                    }

                    WriteItemTag(output, encoding.LittleEndian, 0xE0DD, 0);
                    break;
            }
        }
    }

    private static void WriteSequence(IBufferWriter<byte> output, Encoding encoding, SequenceElement sequence)
    {
        var inner = InnerEncoding(encoding, sequence);
        var length = sequence.HasUndefinedLength ? Undefined : checked((uint)MeasureItems(sequence, inner));
        WriteHeader(output, encoding, sequence.Tag, sequence.Vr == DicomVr.UN && encoding.ExplicitVr ? DicomVr.UN : DicomVr.SQ, length);
        foreach (var item in sequence.Items)
        {
            WriteItemTag(output, inner.LittleEndian, 0xE000, item.HasUndefinedLength ? Undefined : checked((uint)MeasureDataSet(item, inner)));
            WriteDataSet(item, inner, output);
            if (item.HasUndefinedLength)
            {
                WriteItemTag(output, inner.LittleEndian, 0xE00D, 0);
            }
        }

        if (sequence.HasUndefinedLength)
        {
            WriteItemTag(output, inner.LittleEndian, 0xE0DD, 0);
        }
    }

    private static Encoding InnerEncoding(Encoding encoding, SequenceElement sequence) =>
        sequence.Vr == DicomVr.UN && sequence.HasUndefinedLength ? new Encoding(false, true) : encoding;

    private static long MeasureDataSet(DataSet dataSet, Encoding encoding)
    {
        long total = 0;
        foreach (var element in dataSet)
        {
            total += element switch
            {
                ValueElement v => HeaderLength(encoding, v.Vr) + v.Length,
                SequenceElement s => HeaderLength(encoding, DicomVr.SQ) + MeasureItems(s, InnerEncoding(encoding, s)) + (s.HasUndefinedLength ? 8 : 0),
                FragmentsElement f => HeaderLength(encoding, f.Vr) + f.Items.Sum(i => 8L + i.Length) + 8,
                _ => 0,
            };
        }

        return total;
    }

    private static long MeasureItems(SequenceElement sequence, Encoding inner) =>
        sequence.Items.Sum(item => 8 + MeasureDataSet(item, inner) + (item.HasUndefinedLength ? 8 : 0));

    private static int HeaderLength(Encoding encoding, DicomVr vr) =>
        !encoding.ExplicitVr || vr.HasLongExplicitLength() || !vr.IsKnown() ? (encoding.ExplicitVr ? 12 : 8) : 8;

    private static void WriteHeader(IBufferWriter<byte> output, Encoding encoding, DicomTag tag, DicomVr vr, uint length)
    {
        var span = output.GetSpan(12);
        WriteUInt16(span, tag.Group, encoding.LittleEndian);
        WriteUInt16(span[2..], tag.Element, encoding.LittleEndian);
        if (!encoding.ExplicitVr)
        {
            WriteUInt32(span[4..], length, encoding.LittleEndian);
            output.Advance(8);
            return;
        }

        var wireVr = vr.IsKnown() ? vr : DicomVr.UN;
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], (ushort)wireVr);
        if (wireVr.HasLongExplicitLength())
        {
            span[6] = 0;
            span[7] = 0;
            WriteUInt32(span[8..], length, encoding.LittleEndian);
            output.Advance(12);
            return;
        }

        if (length > ushort.MaxValue)
        {
            throw new InvalidOperationException($"{tag} {vr.Code()} value of {length} bytes does not fit the 16-bit length of explicit VR (PS3.5 7.1.2)");
        }

        WriteUInt16(span[6..], (ushort)length, encoding.LittleEndian);
        output.Advance(8);
    }

    private static void WriteValue(IBufferWriter<byte> output, ValueElement element, bool littleEndian)
    {
        var size = element.Vr.BinaryValueSize();
        if (element.IsLittleEndian == littleEndian || size <= 1 || element.Length % size != 0)
        {
            output.Write(element.Value.Span);
            return;
        }

        // Byte order differs: swap each value of a binary VR (PS3.5 7.3). AT is two 16-bit halves.
        var unit = element.Vr == DicomVr.AT ? 2 : size;
        var span = output.GetSpan(element.Length)[..element.Length];
        element.Value.Span.CopyTo(span);
        for (var i = 0; i < span.Length; i += unit)
        {
            span.Slice(i, unit).Reverse();
        }

        output.Advance(element.Length);
    }

    private static void WriteItemTag(IBufferWriter<byte> output, bool littleEndian, ushort element, uint length)
    {
        var span = output.GetSpan(8);
        WriteUInt16(span, 0xFFFE, littleEndian);
        WriteUInt16(span[2..], element, littleEndian);
        WriteUInt32(span[4..], length, littleEndian);
        output.Advance(8);
    }

    private static void WriteUInt16(Span<byte> span, ushort value, bool littleEndian)
    {
        if (littleEndian)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(span, value);
        }
    }

    private static void WriteUInt32(Span<byte> span, uint value, bool littleEndian)
    {
        if (littleEndian)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(span, value);
        }
    }

    private readonly record struct Encoding(bool ExplicitVr, bool LittleEndian);
}
