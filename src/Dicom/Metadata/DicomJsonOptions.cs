using ImagingGateway.Dicom.Dictionary;

namespace ImagingGateway.Dicom.Metadata;

public sealed record DicomJsonOptions
{
    public static DicomJsonOptions Default { get; } = new();

    /// <summary>Top-level attributes to include; null for all.</summary>
    public Func<DicomTag, bool>? Filter { get; init; }

    /// <summary>Binary values (OB, OW, UN, ...) up to this size are written as InlineBinary; larger ones are left out.</summary>
    public int InlineBinaryLimit { get; init; } = 1024;
}
