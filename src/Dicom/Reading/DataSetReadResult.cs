using ImagingGateway.Dicom.Dictionary;

namespace ImagingGateway.Dicom.Reading;

/// <summary>
/// Outcome of one <see cref="DataSetReader.Read{TVisitor}"/> call. <see cref="Consumed"/> is the number of bytes of
/// this call's input that were fully read; with <see cref="DataSetReadStatus.NeedMoreData"/> the next call starts there.
/// </summary>
public readonly record struct DataSetReadResult(
    DataSetReadStatus Status,
    long Consumed,
    long Position,
    DicomReadError? Error,
    DicomTag? StoppedAt = null);
