using ImagingGateway.Dicom.Dictionary;

namespace ImagingGateway.Dicom.Metadata;

/// <summary>
/// The patient, study, series and instance attributes of one instance, read from the top level of its data set
/// before Pixel Data. Text is decoded with the data set's Specific Character Set; absent attributes are null.
/// </summary>
public sealed class InstanceHeader
{
    public string? SpecificCharacterSet { get; internal set; }

    public string? SopClassUid { get; internal set; }

    public string? SopInstanceUid { get; internal set; }

    public string? StudyInstanceUid { get; internal set; }

    public string? SeriesInstanceUid { get; internal set; }

    public string? StudyDate { get; internal set; }

    public string? StudyTime { get; internal set; }

    public string? AccessionNumber { get; internal set; }

    public string? Modality { get; internal set; }

    public string? StudyDescription { get; internal set; }

    public string? SeriesDescription { get; internal set; }

    public string? PatientName { get; internal set; }

    public string? PatientId { get; internal set; }

    public string? PatientBirthDate { get; internal set; }

    public string? PatientSex { get; internal set; }

    public string? StudyId { get; internal set; }

    public string? SeriesNumber { get; internal set; }

    public string? InstanceNumber { get; internal set; }

    public string? NumberOfFrames { get; internal set; }

    public int? Rows { get; internal set; }

    public int? Columns { get; internal set; }

    /// <summary>Byte offset (from the start of the data set, or of the file for Part 10 input) of each UID element read.</summary>
    public long SopClassUidOffset { get; internal set; } = -1;

    public long SopInstanceUidOffset { get; internal set; } = -1;

    public long StudyInstanceUidOffset { get; internal set; } = -1;

    public long SeriesInstanceUidOffset { get; internal set; } = -1;

    /// <summary>Offset where reading stopped (the Pixel Data element, or the end of the data).</summary>
    public long EndOffset { get; internal set; }

    /// <summary>True when Pixel Data (7FE0,0010) follows the header.</summary>
    public bool HasPixelData { get; internal set; }

    /// <summary>Byte offset of a UID element read into this header, or -1.</summary>
    public long OffsetOf(DicomTag tag) => tag.Value switch
    {
        0x00080016 => SopClassUidOffset,
        0x00080018 => SopInstanceUidOffset,
        0x0020000D => StudyInstanceUidOffset,
        0x0020000E => SeriesInstanceUidOffset,
        _ => -1,
    };
}
