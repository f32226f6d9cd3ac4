using System.Buffers;
using ImagingGateway.Dicom.Dictionary;

namespace ImagingGateway.Dicom.Reading;

/// <summary>
/// Follows the element structure of a data set (PS3.5 7) as its bytes stream past, keeping no values: element and item
/// lengths, sequence and item delimiters, and the nesting depth. It says whether the data set ends exactly on an
/// element boundary with every defined length honoured and no deeper nesting than the limit, which is what a Part 10
/// reader (ours at import, DCMTK's, pydicom's) needs to read the stored file back. A Deflated Explicit VR Little Endian
/// data set (PS3.5 A.5) is inflated as it arrives and walked the same way; inflating past a limit (a deflate bomb), a
/// corrupt Deflate stream and one cut before its final block are errors too.
/// </summary>
/// <remarks>
/// Each value is skipped as its bytes arrive (<see cref="ReadOptions.SkipValuesLongerThan"/> 0), so the only bytes
/// held between two calls are the start of an element header cut by a segment's end (under 12 bytes). The cost is
/// one header decode per element, independent of the value sizes.
/// </remarks>
public sealed class DataSetStructureWalker
{
    private const int DefaultMaxDepth = 64;

    private static readonly ReadOptions WalkOptions = new() { SkipValuesLongerThan = 0, MaxDepth = DefaultMaxDepth };

    private readonly IncrementalDataSetReader<NoValues> _reader;

    public DataSetStructureWalker(TransferSyntax transferSyntax, long maxInflatedBytes = long.MaxValue, int maxDepth = DefaultMaxDepth)
    {
        var options = maxDepth == DefaultMaxDepth ? WalkOptions : WalkOptions with { MaxDepth = maxDepth };
        _reader = IncrementalDataSetReader<NoValues>.ForDataSet(transferSyntax, default, options, maxInflatedBytes);
    }

    /// <summary>The first structural error, once one is found; the walk stops there.</summary>
    public DicomReadError? Error => _reader.Result is { Status: DataSetReadStatus.Invalid } result ? result.Error : null;

    /// <summary>True once a deflated data set inflated to more than <see cref="MaxInflatedBytes"/>; <see cref="Error"/> names the limit.</summary>
    public bool InflatedSizeExceeded => _reader.InflatedSizeExceeded;

    /// <summary>The most bytes a deflated data set may inflate to.</summary>
    public long MaxInflatedBytes => _reader.MaxInflatedBytes;

    /// <summary>Bytes inflated so far (0 unless deflated).</summary>
    public long InflatedBytes => _reader.InflatedBytes;

    /// <summary>Bytes of the data set (inflated, when deflated) seen so far.</summary>
    public long Position => _reader.DataSetPosition;

    /// <summary>Walks the next bytes of the data set (valid only during the call). Does nothing once an error was found.</summary>
    public void Write(ReadOnlySequence<byte> bytes) => _reader.Write(bytes);

    /// <summary>The data set ended: null when it is well formed, else the error.</summary>
    public DicomReadError? Finish()
    {
        var result = _reader.Finish();
        return result.Status == DataSetReadStatus.Completed ? null : result.Error ?? new DicomReadError("Data set does not end on an element boundary", result.Position);
    }

    /// <summary>Values are never looked at: the walk is about boundaries only.</summary>
    private struct NoValues : IDataSetVisitor
    {
        public readonly void OnElement(in DicomElementHeader header, ReadOnlySequence<byte> value)
        {
        }

        public readonly void OnSequenceStart(in DicomElementHeader header)
        {
        }

        public readonly void OnItemStart(long offset, uint length)
        {
        }

        public readonly void OnItemEnd()
        {
        }

        public readonly void OnSequenceEnd()
        {
        }

        public readonly void OnFragmentsStart(in DicomElementHeader header)
        {
        }

        public readonly void OnFragment(long offset, ReadOnlySequence<byte> value)
        {
        }

        public readonly void OnFragmentsEnd()
        {
        }

        public readonly void OnSkippedValue(in DicomElementHeader header)
        {
        }
    }
}
