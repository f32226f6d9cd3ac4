using System.Buffers;
using ImagingGateway.Dicom.Reading;

namespace ImagingGateway.Dicom.Benchmarks;

/// <summary>Counts tokens and value bytes; the cost measured is the tokenizer's own.</summary>
public struct NullVisitor : IDataSetVisitor
{
    public long Elements;
    public long ValueBytes;

    public void OnElement(in DicomElementHeader header, ReadOnlySequence<byte> value)
    {
        Elements++;
        ValueBytes += value.Length;
    }

    public void OnSequenceStart(in DicomElementHeader header) => Elements++;

    public readonly void OnItemStart(long offset, uint length)
    {
    }

    public readonly void OnItemEnd()
    {
    }

    public readonly void OnSequenceEnd()
    {
    }

    public void OnFragmentsStart(in DicomElementHeader header) => Elements++;

    public void OnFragment(long offset, ReadOnlySequence<byte> value) => ValueBytes += value.Length;

    public readonly void OnFragmentsEnd()
    {
    }

    public readonly void OnSkippedValue(in DicomElementHeader header)
    {
    }
}
