using ImagingGateway.Dicom.Dictionary;

namespace ImagingGateway.Dicom.Reading;

/// <summary>Options of a <see cref="DataSetReader"/>.</summary>
public sealed record ReadOptions
{
    public static ReadOptions Default { get; } = new();

    /// <summary>Header only: stop before Pixel Data (7FE0,0010) and anything after it.</summary>
    public static ReadOptions StopAtPixelData { get; } = new() { StopAtTag = DicomTag.PixelData };

    /// <summary>Stop before the first top-level element whose tag is at or after this one; its bytes are not read.</summary>
    public DicomTag? StopAtTag { get; init; }

    /// <summary>Stop before the first top-level element for which this returns true; its bytes are not read.</summary>
    public Func<DicomTag, bool>? StopPredicate { get; init; }

    /// <summary>
    /// A value (of an element or a fragment) longer than this many bytes is not buffered: its header goes to
    /// <see cref="IDataSetVisitor.OnSkippedValue"/> and its bytes are consumed as they arrive, so a caller streaming a
    /// file needs a buffer of about this size however large the file. Null: every value is handed over whole.
    /// </summary>
    public int? SkipValuesLongerThan { get; init; }

    /// <summary>Deepest sequence nesting accepted; deeper input is rejected rather than risking the stack of a consumer.</summary>
    public int MaxDepth { get; init; } = 64;
}
