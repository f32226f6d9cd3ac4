using System.Diagnostics;
using System.Text.Json;
using ImagingGateway.Dicom.DataSets;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Metadata;
using ImagingGateway.Dicom.Tests.TestSupport;

namespace ImagingGateway.Dicom.Tests.Metadata;

public class DicomJsonWriterTests
{
    private static readonly HashSet<string> BinaryVrs = ["OB", "OD", "OF", "OL", "OV", "OW", "UN"];

    [Fact]
    public void GivenCtSmall_WhenMetadataExtracted_ThenDicomJsonHasTheImageSetAttributes()
    {
        var dataSet = Part10Reader.ReadFile(Corpus.Read("CT_small.dcm")).DataSet;

        using var json = JsonDocument.Parse(InstanceMetadata.ToJson(dataSet));

        var root = json.RootElement;
        Assert.Equal("PN", root.GetProperty("00100010").GetProperty("vr").GetString());
        Assert.Equal("CompressedSamples^CT1", root.GetProperty("00100010").GetProperty("Value")[0].GetProperty("Alphabetic").GetString());
        Assert.Equal("1.3.6.1.4.1.5962.1.2.1.20040119072730.12322", root.GetProperty("0020000D").GetProperty("Value")[0].GetString());
        Assert.Equal("20040119", root.GetProperty("00080020").GetProperty("Value")[0].GetString());
        Assert.Equal(128, root.GetProperty("00280010").GetProperty("Value")[0].GetInt32());
        Assert.Equal(1, root.GetProperty("00200013").GetProperty("Value")[0].GetInt32());
        Assert.False(root.TryGetProperty("7FE00010", out _));
        Assert.All(root.EnumerateObject(), p => Assert.True(InstanceMetadata.IsIncluded(DicomTag.Parse(p.Name))));
    }

    [Fact]
    public void GivenJapaneseName_WhenWritten_ThenComponentGroupsSplit()
    {
        var dataSet = Part10Reader.ReadFile(File.ReadAllBytes(Corpus.CharsetFile("chrH31.dcm"))).DataSet;

        using var json = JsonDocument.Parse(DicomJsonWriter.ToJson(dataSet));

        var name = json.RootElement.GetProperty("00100010").GetProperty("Value")[0];
        Assert.Equal("Yamada^Tarou", name.GetProperty("Alphabetic").GetString());
        Assert.Equal("山田^太郎", name.GetProperty("Ideographic").GetString());
        Assert.Equal("やまだ^たろう", name.GetProperty("Phonetic").GetString());
    }

    /// <summary>pydicom's to_json_dict is the oracle for every non-binary attribute, nested sequences included.</summary>
    [Theory]
    [InlineData("CT_small.dcm")]
    [InlineData("MR_small_bigendian.dcm")]
    [InlineData("rtplan.dcm")]
    [InlineData("rtstruct.dcm")]
    [InlineData("test-SR.dcm")]
    [InlineData("reportsi.dcm")]
    public void GivenCorpusFile_WhenWrittenAsJson_ThenSameAttributesAndValuesAsPydicom(string file)
    {
        var path = Corpus.TestFile(file);
        var dataSet = Part10Reader.ReadFile(File.ReadAllBytes(path)).DataSet;
        using var ours = JsonDocument.Parse(DicomJsonWriter.ToJson(dataSet));
        using var theirs = JsonDocument.Parse(RunPydicom(path));

        CompareObjects(ours.RootElement, theirs.RootElement, file);
    }

    private static void CompareObjects(JsonElement ours, JsonElement theirs, string path)
    {
        foreach (var attribute in theirs.EnumerateObject())
        {
            var where = $"{path}/{attribute.Name}";
            if (attribute.Name.EndsWith("0000", StringComparison.Ordinal))
            {
                continue;
            }

            Assert.True(ours.TryGetProperty(attribute.Name, out var mine), $"{where} missing");
            var vr = attribute.Value.GetProperty("vr").GetString()!;
            if (BinaryVrs.Contains(vr) || vr is "US or SS" or "OB or OW")
            {
                continue;
            }

            Assert.Equal(vr, mine.GetProperty("vr").GetString());
            // PS3.18 F.2.2: an attribute without values has no "Value"; pydicom writes an empty array for an empty sequence.
            var hasValue = attribute.Value.TryGetProperty("Value", out var expected) && expected.GetArrayLength() > 0;
            Assert.True(hasValue == mine.TryGetProperty("Value", out var actual), $"{where}: ours {mine}, pydicom {attribute.Value}");
            if (!hasValue)
            {
                continue;
            }

            Assert.Equal(expected.GetArrayLength(), actual.GetArrayLength());
            for (var i = 0; i < expected.GetArrayLength(); i++)
            {
                var e = expected[i];
                var a = actual[i];
                if (vr == "SQ")
                {
                    CompareObjects(a, e, $"{where}[{i}]");
                }
                else if (e.ValueKind == JsonValueKind.Number)
                {
                    Assert.True(a.ValueKind == JsonValueKind.Number, $"{where}: {a} is not a number");
                    // FL values are single precision: ours prints the shortest float, pydicom the widened double.
                    Assert.True(Math.Abs(e.GetDouble() - a.GetDouble()) <= 1e-6 * Math.Max(1, Math.Abs(e.GetDouble())), $"{where}: ours {a}, pydicom {e}");
                }
                else
                {
                    Assert.True(JsonElement.DeepEquals(e, a), $"{where}[{i}]: ours {a}, pydicom {e}");
                }
            }
        }

        foreach (var attribute in ours.EnumerateObject())
        {
            Assert.True(theirs.TryGetProperty(attribute.Name, out _), $"{path}/{attribute.Name} not in pydicom's output");
        }
    }

    private static string RunPydicom(string path)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "TestSupport", "pydicom_json.py");
        var startInfo = new ProcessStartInfo("/usr/bin/python3", [script, path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("python3 did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(true);
            throw new TimeoutException("pydicom did not finish in 60 s");
        }

        Assert.True(process.ExitCode == 0, $"pydicom (python3-pydicom, installed by tests/setup.d/10-debian-packages.sh) failed: {errors.Result}");
        return output.Result;
    }
}
