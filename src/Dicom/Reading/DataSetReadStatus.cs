namespace ImagingGateway.Dicom.Reading;

public enum DataSetReadStatus
{
    /// <summary>The whole input was read and it ended at a data set boundary.</summary>
    Completed,

    /// <summary>Reading stopped before an element the options asked to stop at.</summary>
    Stopped,

    /// <summary>The input ends inside an element; call again with more bytes.</summary>
    NeedMoreData,

    /// <summary>The input is not a valid data set; see the error.</summary>
    Invalid,
}
