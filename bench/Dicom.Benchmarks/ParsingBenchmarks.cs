using System.Buffers;
using BenchmarkDotNet.Attributes;
using ImagingGateway.Dicom.DataSets;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Metadata;
using ImagingGateway.Dicom.Reading;

namespace ImagingGateway.Dicom.Benchmarks;

/// <summary>Header extraction (stop at Pixel Data) and full parse of in-memory Part 10 files (docs/performance.md).</summary>
[MemoryDiagnoser]
public class ParsingBenchmarks
{
    private byte[] _file = [];
    private long _dataSetOffset;

    [Params("CT 0.5 MB", "Multi-frame 100 MB")]
    public string Input { get; set; } = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _file = Input.StartsWith("CT", StringComparison.Ordinal)
            ? SyntheticFiles.Create(512, 512, 1)
            : SyntheticFiles.Create(512, 512, 200);
        _dataSetOffset = Part10Reader.ReadFileMeta(new ReadOnlySequence<byte>(_file), true).DataSetOffset;
        Console.WriteLine($"// {Input}: {_file.Length} bytes");
    }

    /// <summary>Meta information + instance header, stopping before Pixel Data: what the Gateway does per instance.</summary>
    [Benchmark]
    public InstanceHeader? HeaderExtraction()
    {
        var result = InstanceHeaderReader.ReadFile(new ReadOnlySequence<byte>(_file), isFinalBlock: true);
        return result.Header;
    }

    /// <summary>Tokenize every element of the data set, pixel data included (values are slices, not copies).</summary>
    [Benchmark]
    public long FullParseTokens()
    {
        var visitor = new NullVisitor();
        var reader = new DataSetReader(TransferSyntax.ExplicitVRLittleEndian, null, _dataSetOffset);
        reader.Read(new ReadOnlySequence<byte>(_file).Slice(_dataSetOffset), true, ref visitor);
        return visitor.ValueBytes;
    }

    /// <summary>Build the whole <see cref="DataSet"/> tree over the in-memory file (values slice the input).</summary>
    [Benchmark]
    public int FullParseDataSet()
    {
        var dataSet = DataSetParser.Parse(_file.AsMemory((int)_dataSetOffset), TransferSyntax.ExplicitVRLittleEndian);
        return dataSet.Count;
    }
}
