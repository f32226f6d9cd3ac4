using System.Buffers;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Reading;

namespace ImagingGateway.Dicom.DataSets;

/// <summary>
/// Visitor that builds a <see cref="DataSet"/> tree. When the reader's input is one block of memory given here as
/// <paramref name="source"/>, values are slices of it (no copy); otherwise each value is copied. With
/// <paramref name="filter"/>, only the top-level elements it accepts are kept (each with everything nested in it), so a
/// caller streaming a large file holds no more than it needs. A value the reader skipped
/// (<see cref="ReadOptions.SkipValuesLongerThan"/>) is not in the tree.
/// </summary>
public sealed class DataSetBuilder(ReadOnlyMemory<byte> source = default, long sourceOffset = 0, Func<DicomTag, bool>? filter = null) : IDataSetVisitor
{
    private readonly Stack<object> _open = new();

    /// <summary>Nesting inside a top-level element the filter left out (0: not inside one).</summary>
    private int _leftOutDepth;

    public DataSet Root { get; } = new();

    private DataSet Current => _open.Count == 0 ? Root : (DataSet)_open.Peek();

    public void OnElement(in DicomElementHeader header, ReadOnlySequence<byte> value)
    {
        if (IsLeftOut(header.Tag))
        {
            return;
        }

        Current.Add(new ValueElement(header.Tag, header.Vr, Slice(header.ValueOffset, value), header.IsLittleEndian));
    }

    public void OnSequenceStart(in DicomElementHeader header)
    {
        if (EnterLeftOut(header.Tag))
        {
            return;
        }

        var sequence = new SequenceElement(header.Tag, header.HasUndefinedLength, header.Vr);
        Current.Add(sequence);
        _open.Push(sequence);
    }

    public void OnItemStart(long offset, uint length)
    {
        if (_leftOutDepth > 0)
        {
            _leftOutDepth++;
            return;
        }

        var sequence = (SequenceElement)_open.Peek();
        var parent = _open.Count > 1 ? FindParentDataSet() : Root;
        var item = new DataSet(parent, length == DicomElementHeader.UndefinedLength);
        sequence.Items.Add(item);
        _open.Push(item);
    }

    public void OnItemEnd() => Close();

    public void OnSequenceEnd() => Close();

    public void OnFragmentsStart(in DicomElementHeader header)
    {
        if (EnterLeftOut(header.Tag))
        {
            return;
        }

        var fragments = new FragmentsElement(header.Tag, header.Vr);
        Current.Add(fragments);
        _open.Push(fragments);
    }

    public void OnFragment(long offset, ReadOnlySequence<byte> value)
    {
        if (_leftOutDepth > 0)
        {
            return;
        }

        ((FragmentsElement)_open.Peek()).Items.Add(Slice(offset, value));
    }

    public void OnFragmentsEnd() => Close();

    public void OnSkippedValue(in DicomElementHeader header)
    {
    }

    private bool IsLeftOut(DicomTag tag) =>
        _leftOutDepth > 0 || (_open.Count == 0 && filter is not null && !filter(tag));

    private bool EnterLeftOut(DicomTag tag)
    {
        if (!IsLeftOut(tag))
        {
            return false;
        }

        _leftOutDepth++;
        return true;
    }

    private void Close()
    {
        if (_leftOutDepth > 0)
        {
            _leftOutDepth--;
            return;
        }

        _open.Pop();
    }

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
