using System.Buffers;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Reading;

namespace ImagingGateway.Dicom.DataSets;

/// <summary>Parses a whole data set held in memory into a <see cref="DataSet"/>.</summary>
public static class DataSetParser
{
    /// <summary>Parses <paramref name="data"/>; throws <see cref="DicomFormatException"/> with the precise error when invalid.</summary>
    public static DataSet Parse(ReadOnlyMemory<byte> data, TransferSyntax transferSyntax, ReadOptions? options = null)
    {
        var result = TryParse(data, transferSyntax, out var dataSet, options);
        return result.Error is null ? dataSet : throw new DicomFormatException(result.Error);
    }

    public static DataSetReadResult TryParse(ReadOnlyMemory<byte> data, TransferSyntax transferSyntax, out DataSet dataSet, ReadOptions? options = null)
    {
        var builder = new DataSetBuilder(data);
        var reader = new DataSetReader(transferSyntax, options);
        var result = reader.Read(new ReadOnlySequence<byte>(data), isFinalBlock: true, ref builder);
        dataSet = builder.Root;
        return result;
    }
}
