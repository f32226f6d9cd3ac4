namespace ImagingGateway.Dicom.Reading;

/// <summary>A walk of a data set's element structure (PS3.5 7) fed its bytes as they stream past, keeping no values.</summary>
public interface IDataSetStructureWalk
{
    /// <summary>The first error, once one is found; the walk stops there.</summary>
    DicomReadError? Error { get; }

    /// <summary>Walks the next bytes of the data set as received. Does nothing once an error was found.</summary>
    void Append(ReadOnlyMemory<byte> bytes);

    /// <summary>The data set ended: null when it is well formed, else the error.</summary>
    DicomReadError? Finish();
}
