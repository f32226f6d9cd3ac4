using System.Globalization;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Tests.TestSupport;

namespace ImagingGateway.Dicom.Tests.Files;

/// <summary>
/// Every file of pydicom's corpus is read by our reader and by DCMTK's dcmdump; both must agree on every element
/// (tag, VR, length, value, nesting), or both must reject the file, ours with a precise error (issue 3, "Proof").
/// </summary>
public class CorpusConformanceTests
{
    /// <summary>Files DCMTK rejects, and the element our reader must name in its error.</summary>
    private static readonly Dictionary<string, (string Tag, string Message)> Broken = new(StringComparer.Ordinal)
    {
        // Pixel Data claims 8192 bytes, the file ends first.
        ["MR_truncated.dcm"] = ("(7FE0,0010)", "Value length 8192 runs past the end of the data"),
        // Isocenter Position claims 50 bytes, 29 remain.
        ["rtplan_truncated.dcm"] = ("(300A,012C)", "Value length 50 runs past the end of the data (29 bytes left)"),
        // The meta information says JPEG Baseline (explicit VR) but the data set is implicit VR.
        // A bare data set whose first byte is corrupt: the first tag reads as (0820,0500) with a length past the end.
        ["no_meta.dcm"] = ("(0820,0500)", "Value length 173228800 runs past the end of the data"),
        ["SC_rgb_jpeg.dcm"] = ("(0008,0008)", "Invalid VR bytes 0x1800 in explicit VR encoding"),
    };


    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var path in Corpus.AllDicomFiles())
        {
            data.Add(path);
        }

        return data;
    }

    [Fact]
    public void GivenCorpus_WhenListed_ThenItHasTheExpectedFiles()
    {
        var files = Corpus.AllDicomFiles().Select(Path.GetFileName).ToList();

        Assert.True(files.Count >= 170, $"only {files.Count} corpus files found");
        Assert.Contains("DICOMDIR", files);
        Assert.Contains("CT_small.dcm", files);
        Assert.Contains("chrH31.dcm", files);
        foreach (var broken in Broken.Keys)
        {
            Assert.Contains(broken, files);
        }

        Assert.Equal(Corpus.BrokenFiles.Order(StringComparer.Ordinal), Broken.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void GivenCorpusFile_WhenReadByUsAndByDcmdump_ThenSameElementsOrBothReject(string path)
    {
        var name = Path.GetFileName(path);
        var arguments = new List<string> { "+L", "-Un" };
        arguments.Add(path);
        var dcmdump = Dcmdump.Run([.. arguments]);
        var ours = CorpusParser.Read(File.ReadAllBytes(path));

        if (Broken.TryGetValue(name, out var expected))
        {
            Assert.NotEqual(0, dcmdump.ExitCode);
            Assert.NotNull(ours.Error);
            Assert.Equal(expected.Tag, ours.Error.Tag?.ToString());
            Assert.Contains(expected.Message, ours.Error.Message, StringComparison.Ordinal);
            Assert.True(ours.Error.Offset >= 0 && ours.Error.Offset < new FileInfo(path).Length, $"offset {ours.Error.Offset} not inside the file");
            return;
        }

        Assert.True(dcmdump.ExitCode == 0, $"dcmdump failed on {name}: {dcmdump.Errors}");
        Assert.True(ours.Error is null, $"{name}: {ours.Error}");
        var theirs = DcmdumpParser.Parse(dcmdump.Output);
        var mine = ours.Dump.Lines;
        for (var i = 0; i < Math.Min(theirs.Count, mine.Count); i++)
        {
            var problem = Compare(mine[i], theirs[i], ours.Dump.AlternativeVrs.GetValueOrDefault(i));
            Assert.True(problem is null, $"{name} line {i}: {problem}\n  ours:    {mine[i]}\n  dcmdump: {theirs[i]}");
        }

        Assert.Equal(theirs.Count, mine.Count);
    }

    private static string? Compare(DumpLine mine, DumpLine theirs, DicomVr alternative)
    {
        if (mine.Level != theirs.Level || mine.Tag != theirs.Tag)
        {
            return "tag or nesting differ";
        }

        if (mine.Length != theirs.Length)
        {
            // DCMTK pads an odd-length value with one zero byte in memory and prints the padded value.
            var padded = int.TryParse(mine.Length, out var n) && n % 2 == 1 && theirs.Length == (n + 1).ToString(CultureInfo.InvariantCulture)
                && (theirs.Value == mine.Value + "\\00" || theirs.Value.TrimEnd(' ') == mine.Value);
            return padded ? null : "length differs";
        }

        var vrMatches = mine.Vr == theirs.Vr
            || (mine.Vr == "UN" && theirs.Vr == "??")
            // DCMTK prints its internal "up" (UL pointer) for the DICOMDIR offsets; on the wire they are UL.
            || (mine.Vr == "UL" && theirs.Vr == "up")
            // DCMTK always reports encapsulated Pixel Data as OB (PS3.5 A.4), whatever VR the file has.
            || (mine.Tag == "(7FE0,0010)" && mine.Length == "u/l" && theirs.Vr == "OB")
            || (alternative != DicomVr.None && theirs.Vr == alternative.Code());
        if (!vrMatches)
        {
            return "VR differs";
        }

        if (mine.Vr != theirs.Vr && theirs.Vr != "up")
        {
            // Same bytes, read with another VR: the value is printed differently, so only the length is comparable.
            return null;
        }

        return ValuesMatch(mine.Vr, mine.Value, theirs.Value) ? null : "value differs";
    }

    private static bool ValuesMatch(string vr, string mine, string theirs)
    {
        if (theirs.EndsWith("...", StringComparison.Ordinal))
        {
            return mine.StartsWith(theirs[..^3], StringComparison.Ordinal);
        }

        if (vr is "FL" or "FD" or "OF" or "OD")
        {
            var a = mine.Split('\\');
            var b = theirs.Split('\\');
            return a.Length == b.Length && a.Zip(b).All(p => CloseEnough(p.First, p.Second));
        }

        return mine == theirs || (IsText(vr) && mine == theirs.TrimEnd(' ', '\0'));
    }

    private static bool IsText(string vr) => DicomVrExtensions.TryParse(vr, out var v) && v.IsString();

    private static bool CloseEnough(string a, string b)
    {
        if (!double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
            || !double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var y))
        {
            return a == b;
        }

        return x == y || Math.Abs(x - y) <= 1e-6 * Math.Max(Math.Abs(x), Math.Abs(y)) || (double.IsNaN(x) && double.IsNaN(y));
    }
}
