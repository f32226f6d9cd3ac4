using ImagingGateway.Dicom.DataSets;
using ImagingGateway.Dicom.Dictionary;

namespace ImagingGateway.Dicom.Files;

/// <summary>A parsed Part 10 file: meta information (null for a bare data set), transfer syntax, data set.</summary>
public sealed record DicomFile(DicomFileMetaInformation? Meta, TransferSyntax TransferSyntax, DataSet DataSet, long DataSetOffset);
