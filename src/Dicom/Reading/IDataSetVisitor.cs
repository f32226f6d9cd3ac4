using System.Buffers;

namespace ImagingGateway.Dicom.Reading;

/// <summary>
/// Receives the tokens of a data set in wire order (PS3.5 7). Values are slices of the reader's input and are only
/// valid during the call. A sequence is reported as start, items (each a nested data set), end; encapsulated pixel data
/// as fragments start, the fragments (the first is the Basic Offset Table, PS3.5 A.4), end.
/// </summary>
public interface IDataSetVisitor
{
    void OnElement(in DicomElementHeader header, ReadOnlySequence<byte> value);

    void OnSequenceStart(in DicomElementHeader header);

    void OnItemStart(long offset, uint length);

    void OnItemEnd();

    void OnSequenceEnd();

    void OnFragmentsStart(in DicomElementHeader header);

    void OnFragment(long offset, ReadOnlySequence<byte> value);

    void OnFragmentsEnd();

    /// <summary>
    /// A value longer than <see cref="ReadOptions.SkipValuesLongerThan"/>, reported instead of <see cref="OnElement"/>
    /// or <see cref="OnFragment"/> as soon as its header is read; its bytes are then skipped. For a fragment the tag
    /// is the Item tag (FFFE,E000) and the VR is <see cref="Dictionary.DicomVr.None"/>.
    /// </summary>
    void OnSkippedValue(in DicomElementHeader header);
}
