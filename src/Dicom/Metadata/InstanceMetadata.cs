using System.Collections.Frozen;
using ImagingGateway.Dicom.DataSets;
using ImagingGateway.Dicom.Dictionary;

namespace ImagingGateway.Dicom.Metadata;

/// <summary>
/// The patient, study, series and instance attributes an AWS HealthImaging image set carries, as DICOM JSON
/// (PS3.18 F.2). Used by the import pipeline to describe an instance without its pixel data.
/// </summary>
public static class InstanceMetadata
{
    public static IReadOnlyList<DicomTag> PatientLevel { get; } =
    [
        DicomTags.PatientName, DicomTags.PatientID, DicomTags.IssuerOfPatientID, DicomTags.PatientBirthDate,
        DicomTags.PatientSex,
    ];

    public static IReadOnlyList<DicomTag> StudyLevel { get; } =
    [
        DicomTags.StudyDate, DicomTags.StudyTime, DicomTags.AccessionNumber, DicomTags.ReferringPhysicianName,
        DicomTags.StudyDescription, DicomTags.StudyInstanceUID, DicomTags.StudyID,
    ];

    public static IReadOnlyList<DicomTag> SeriesLevel { get; } =
    [
        DicomTags.Modality, DicomTags.SeriesDescription, DicomTags.BodyPartExamined, DicomTags.SeriesInstanceUID,
        DicomTags.SeriesNumber,
    ];

    public static IReadOnlyList<DicomTag> InstanceLevel { get; } =
    [
        DicomTags.SOPClassUID, DicomTags.SOPInstanceUID, DicomTags.InstanceNumber, DicomTags.NumberOfFrames,
        DicomTags.Rows, DicomTags.Columns, DicomTags.BitsAllocated,
    ];

    private static readonly FrozenSet<uint> All =
        PatientLevel.Concat(StudyLevel).Concat(SeriesLevel).Concat(InstanceLevel).Select(t => t.Value).ToFrozenSet();

    public static bool IsIncluded(DicomTag tag) => All.Contains(tag.Value);

    /// <summary>
    /// The top-level elements <see cref="ToJson"/> reads: the included attributes and the Specific Character Set
    /// (0008,0005) their text is decoded with (PS3.5 6.1.2.5). A <see cref="DataSets.DataSetBuilder"/> with this filter
    /// keeps all the metadata needs and nothing else.
    /// </summary>
    public static bool IsNeeded(DicomTag tag) => IsIncluded(tag) || tag == DicomTags.SpecificCharacterSet;

    /// <summary>DICOM JSON of the selected attributes of <paramref name="dataSet"/> (only those present).</summary>
    public static string ToJson(DataSet dataSet) =>
        DicomJsonWriter.ToJson(dataSet, new DicomJsonOptions { Filter = IsIncluded });
}
