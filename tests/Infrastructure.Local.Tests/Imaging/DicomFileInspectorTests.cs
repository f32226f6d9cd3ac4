using System.Text.Json.Nodes;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Metadata;
using ImagingGateway.Infrastructure.Local.Imaging;
using ImagingGateway.Infrastructure.Local.Tests.TestSupport;

namespace ImagingGateway.Infrastructure.Local.Tests.Imaging;

public sealed class DicomFileInspectorTests : IDisposable
{
    private const string Study = "1.2.826.0.1.3680043.10.9.2";
    private const string Series = "1.2.826.0.1.3680043.10.9.2.1";
    private const string Sop = "1.2.826.0.1.3680043.10.9.2.1.1";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task GivenFortyMegabyteFile_WhenInspected_ThenValidWithTheMetadataOfTheSameFileParsedWhole()
    {
        const int pixelBytes = 40 << 20;
        var trailing = TestDicomFiles.Element(0xFFFC, 0xFFFC, "OB", new byte[6]);
        var path = WriteFile(TestDicomFiles.Create(Sop, Study, Series, TestDicomFiles.NativePixelDataHeader(pixelBytes), []), pixelBytes, trailing);
        var small = TestDicomFiles.Create(Sop, Study, Series, TestDicomFiles.NativePixelData(2), trailing);

        var inspected = await DicomFileInspector.InspectAsync(path, default);

        Assert.True(inspected.IsValid, inspected.Failure);
        Assert.Equal(Sop, inspected.SopInstanceUid);
        Assert.Equal(Series, inspected.SeriesInstanceUid);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(InstanceMetadata.ToJson(Part10Reader.ReadFile(small).DataSet)), inspected.Metadata));
        Assert.Equal("Doe^Jane", (string?)inspected.Metadata!["00100010"]!["Value"]![0]!["Alphabetic"]);
        Assert.Equal(16, (int?)inspected.Metadata["00280010"]!["Value"]![0]);
    }

    [Fact]
    public async Task GivenLargeFileCutInsideItsNativePixelData_WhenInspected_ThenTruncatedNamingPixelDataAndItsOffset()
    {
        const int pixelBytes = 20 << 20;
        var prefix = TestDicomFiles.Create(Sop, Study, Series, TestDicomFiles.NativePixelDataHeader(pixelBytes), []);
        var path = WriteFile(prefix, pixelBytes, []);
        Cut(path, 1000);

        var inspected = await DicomFileInspector.InspectAsync(path, default);

        Assert.False(inspected.IsValid);
        Assert.Equal(
            $"DICOM P10 file is truncated or corrupt after its header: Value length {pixelBytes} runs past the end of the data ({pixelBytes - 1000} bytes left) (tag (7FE0,0010), offset {prefix.Length - 12})",
            inspected.Failure);
    }

    [Fact]
    public async Task GivenFileCutInsideAnEncapsulatedFragment_WhenInspected_ThenTruncatedNamingTheFragmentsItem()
    {
        var pixelData = TestDicomFiles.EncapsulatedPixelData(100_000, 200_000);
        var file = TestDicomFiles.Create(Sop, Study, Series, pixelData, [], TestDicomFiles.JpegBaseline);
        // The second fragment's item starts 8 (delimiter) + 200,000 + 8 (its header) bytes before the end.
        var itemOffset = file.Length - 8 - 200_000 - 8;
        var path = WriteFile(file[..^50_000], 0, []);

        var inspected = await DicomFileInspector.InspectAsync(path, default);

        Assert.False(inspected.IsValid);
        Assert.Equal(
            $"DICOM P10 file is truncated or corrupt after its header: Fragment length 200000 runs past the end of the data ({200_000 - 50_000 + 8} bytes left) (tag (7FE0,0010), offset {itemOffset})",
            inspected.Failure);
    }

    [Theory]
    [InlineData(1_000)]
    [InlineData(100_000)]
    public async Task GivenFileCutInsideAnElementAfterPixelData_WhenInspected_ThenTruncatedNamingThatElement(int paddingBytes)
    {
        var file = TestDicomFiles.Create(Sop, Study, Series, TestDicomFiles.NativePixelData(300_000), TestDicomFiles.Element(0xFFFC, 0xFFFC, "OB", new byte[paddingBytes]));
        var path = WriteFile(file[..^10], 0, []);

        var inspected = await DicomFileInspector.InspectAsync(path, default);

        Assert.False(inspected.IsValid);
        Assert.Equal(
            $"DICOM P10 file is truncated or corrupt after its header: Value length {paddingBytes} runs past the end of the data ({paddingBytes - 10} bytes left) (tag (FFFC,FFFC), offset {file.Length - paddingBytes - 12})",
            inspected.Failure);
    }

    [Fact]
    public async Task GivenMetadataAttributeAfterPixelData_WhenInspected_ThenItIsInTheMetadataAsWhenParsedWhole()
    {
        var trailing = TestDicomFiles.Element(0x0008, 0x1030, "LO", TestDicomFiles.Text("After the pixels"));
        var file = TestDicomFiles.Create(Sop, Study, Series, TestDicomFiles.NativePixelData(300_000), trailing);
        var path = WriteFile(file, 0, []);

        var inspected = await DicomFileInspector.InspectAsync(path, default);

        Assert.True(inspected.IsValid, inspected.Failure);
        Assert.Equal("After the pixels", (string?)inspected.Metadata!["00081030"]!["Value"]![0]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(InstanceMetadata.ToJson(Part10Reader.ReadFile(file).DataSet)), inspected.Metadata));
    }

    [Fact]
    public async Task GivenDeflatedFile_WhenInspected_ThenValidWithTheMetadataOfTheFileParsedWhole()
    {
        var source = Path.Combine(TestDicomFiles.PydicomTestFiles, "image_dfl.dcm");
        Assert.True(File.Exists(source), $"{source} is missing: run tests/setup.d/10-debian-packages.sh (python3-pydicom)");
        var file = await File.ReadAllBytesAsync(source);

        var inspected = await DicomFileInspector.InspectAsync(WriteFile(file, 0, []), default);

        Assert.True(inspected.IsValid, inspected.Failure);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(InstanceMetadata.ToJson(Part10Reader.ReadFile(file).DataSet)), inspected.Metadata));
    }

    [Fact]
    public async Task GivenDeflatedFileCutInHalf_WhenInspected_ThenInvalid()
    {
        var file = await File.ReadAllBytesAsync(Path.Combine(TestDicomFiles.PydicomTestFiles, "image_dfl.dcm"));

        var inspected = await DicomFileInspector.InspectAsync(WriteFile(file[..(file.Length / 2)], 0, []), default);

        Assert.False(inspected.IsValid);
    }

    /// <summary>
    /// The whole file is read, yet what the inspection allocates stays far below its size: it holds no more than a few
    /// blocks, whatever the size (measured on this thread, which runs all of it since the stream completes every read
    /// synchronously).
    /// </summary>
    [Fact]
    public async Task GivenHundredMegabyteFile_WhenInspected_ThenItIsReadToTheEndAllocatingUnderFourMegabytes()
    {
        const long pixelBytes = 100L << 20;
        var prefix = TestDicomFiles.Create(Sop, Study, Series, TestDicomFiles.NativePixelDataHeader((uint)pixelBytes), []);
        var trailing = TestDicomFiles.Element(0xFFFC, 0xFFFC, "OB", new byte[6]);
        await using var warmUp = new GeneratedFileStream(TestDicomFiles.Create(Sop, Study, Series, TestDicomFiles.NativePixelDataHeader(1 << 20), []), 1 << 20, trailing);
        Assert.True((await DicomFileInspector.InspectAsync(warmUp, "warm-up", default)).IsValid);
        await using var stream = new GeneratedFileStream(prefix, pixelBytes, trailing);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var inspection = DicomFileInspector.InspectAsync(stream, "large", default);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(inspection.IsCompleted, "the inspection went asynchronous, so this thread did not see all its allocations");
        var inspected = await inspection;
        Assert.True(inspected.IsValid, inspected.Failure);
        Assert.True(stream.BytesRead >= stream.Length, $"only {stream.BytesRead} of {stream.Length} bytes read");
        Assert.True(allocated < 4 << 20, $"allocated {allocated:N0} bytes to inspect a {stream.Length:N0}-byte file");
    }

    /// <summary>Issue #24: a deflated data set is inflated a block at a time and refused past the configured size.</summary>
    [Theory]
    [InlineData(16L << 20, false)]
    [InlineData(long.MaxValue, true)]
    public async Task GivenADeflatedFileInflatingTo64MiB_WhenInspectedWithALimit_ThenItIsRefusedOnlyOverTheLimit(long limit, bool valid)
    {
        const uint pixelBytes = 64u << 20;
        var plain = TestDicomFiles.Create(Sop, Study, Series, TestDicomFiles.NativePixelDataHeader(pixelBytes), []);
        var meta = Part10Reader.ReadFileMeta(new System.Buffers.ReadOnlySequence<byte>(plain), isFinalBlock: true);
        var path = _temp.Combine($"{Guid.NewGuid():N}.dcm");
        using (var file = File.Create(path))
        {
            file.Write(Part10FileWriter.EncodeHeader(meta.Meta! with { TransferSyntaxUid = "1.2.840.10008.1.2.1.99", GroupLength = null }));
            using var deflater = new System.IO.Compression.DeflateStream(file, System.IO.Compression.CompressionLevel.Fastest);
            deflater.Write(plain.AsSpan((int)meta.DataSetOffset));
            var zeros = new byte[1 << 20];
            for (var left = (long)pixelBytes; left > 0; left -= zeros.Length)
            {
                deflater.Write(zeros);
            }
        }

        var inspected = await DicomFileInspector.InspectAsync(path, default, limit);

        Assert.True(inspected.IsValid == valid, inspected.Failure);
        if (!valid)
        {
            Assert.Contains("inflates to more than 16777216 bytes", inspected.Failure, StringComparison.Ordinal);
        }
    }

    private string WriteFile(byte[] prefix, long zeros, byte[] suffix)
    {
        var path = _temp.Combine($"{Guid.NewGuid():N}.dcm");
        using var file = File.Create(path);
        file.Write(prefix);
        var block = new byte[1 << 20];
        for (var left = zeros; left > 0; left -= block.Length)
        {
            file.Write(block, 0, (int)Math.Min(block.Length, left));
        }

        file.Write(suffix);
        return path;
    }

    private static void Cut(string path, int bytes)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.SetLength(file.Length - bytes);
    }
}
