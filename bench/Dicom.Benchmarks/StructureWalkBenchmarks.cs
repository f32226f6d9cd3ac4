using System.Buffers;
using BenchmarkDotNet.Attributes;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Reading;

namespace ImagingGateway.Dicom.Benchmarks;

/// <summary>
/// The structure walk a C-STORE's data set gets on its way to the store (issue #24), next to the copy it rides on:
/// both take the data set in 16 KiB fragments (storescu's default PDU), the copy into a 1 MiB upload buffer as the
/// store does. Run: <c>dotnet run -c Release --project bench/Dicom.Benchmarks -- --filter '*StructureWalk*'</c>.
/// </summary>
[MemoryDiagnoser]
public class StructureWalkBenchmarks
{
    private const int Fragment = 16 * 1024;
    private readonly byte[] _upload = new byte[1 << 20];
    private byte[] _dataSet = [];

    [Params("8 KB", "CT 0.5 MB", "78 MB")]
    public string Input { get; set; } = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        var file = Input switch
        {
            "8 KB" => SyntheticFiles.Create(64, 64, 1),
            "CT 0.5 MB" => SyntheticFiles.Create(512, 512, 1),
            _ => SyntheticFiles.Create(512, 512, 150),
        };
        var offset = Part10Reader.ReadFileMeta(new ReadOnlySequence<byte>(file), true).DataSetOffset;
        _dataSet = file[(int)offset..];
        Console.WriteLine($"// {Input}: data set of {_dataSet.Length} bytes");
    }

    /// <summary>The copy every fragment already pays: into the upload's buffer.</summary>
    [Benchmark(Baseline = true)]
    public int Copy()
    {
        var at = 0;
        for (var offset = 0; offset < _dataSet.Length; offset += Fragment)
        {
            var fragment = _dataSet.AsSpan(offset, Math.Min(Fragment, _dataSet.Length - offset));
            if (at + fragment.Length > _upload.Length)
            {
                at = 0;
            }

            fragment.CopyTo(_upload.AsSpan(at));
            at += fragment.Length;
        }

        return at;
    }

    /// <summary>The walk alone, over the same fragments.</summary>
    [Benchmark]
    public bool Walk()
    {
        var walker = new DataSetStructureWalker(TransferSyntax.ExplicitVRLittleEndian);
        for (var offset = 0; offset < _dataSet.Length; offset += Fragment)
        {
            walker.Write(new ReadOnlySequence<byte>(_dataSet.AsMemory(offset, Math.Min(Fragment, _dataSet.Length - offset))));
        }

        return walker.Finish() is null;
    }
}
