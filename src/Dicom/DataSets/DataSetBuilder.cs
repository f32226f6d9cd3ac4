using System.Buffers;
using ImagingGateway.Dicom.Reading;

namespace ImagingGateway.Dicom.DataSets;

/// <summary>
/// Visitor that builds a <see cref="DataSet"/> tree. When the reader's input is one block of memory given here as
/// <paramref name="source"/>, values are slices of it (no copy); otherwise each value is copied.
/// </summary>
public sealed class DataSetBuilder(ReadOnlyMemory<byte> source = default, long sourceOffset = 0) : IDataSetVisitor
{
    private readonly Stack<object> _open = new();

    public DataSet Root { get; } = new();

    private DataSet Current => _open.Count == 0 ? Root : (DataSet)_open.Peek();

    public void OnElement(in DicomElementHeader header, ReadOnlySequence<byte> value) =>
        Current.Add(new ValueElement(header.Tag, header.Vr, Slice(header.ValueOffset, value), header.IsLittleEndian));

    public void OnSequenceStart(in DicomElementHeader header)
    {
        var sequence = new SequenceElement(header.Tag, header.HasUndefinedLength, header.Vr);
        Current.Add(sequence);
        _open.Push(sequence);
    }

    public void OnItemStart(long offset, uint length)
    {
        var sequence = (SequenceElement)_open.Peek();
        var parent = _open.Count > 1 ? FindParentDataSet() : Root;
        var item = new DataSet(parent, length == DicomElementHeader.UndefinedLength);
        sequence.Items.Add(item);
        _open.Push(item);
    }

    public void OnItemEnd() => _open.Pop();

    public void OnSequenceEnd() => _open.Pop();

    public void OnFragmentsStart(in DicomElementHeader header)
    {
        var fragments = new FragmentsElement(header.Tag, header.Vr);
        Current.Add(fragments);
        _open.Push(fragments);
    }

    public void OnFragment(long offset, ReadOnlySequence<byte> value) =>
        ((FragmentsElement)_open.Peek()).Items.Add(Slice(offset, value));

    public void OnFragmentsEnd() => _open.Pop();

    private DataSet FindParentDataSet()
    {
        foreach (var o in _open)
        {
            if (o is DataSet d)
            {
                return d;
            }
        }

        return Root;
    }

    private ReadOnlyMemory<byte> Slice(long offset, ReadOnlySequence<byte> value)
    {
        if (!source.IsEmpty)
        {
            return source.Slice((int)(offset - sourceOffset), (int)value.Length);
        }

        return value.IsEmpty ? ReadOnlyMemory<byte>.Empty : value.ToArray();
    }
}
