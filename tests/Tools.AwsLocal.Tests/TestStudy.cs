using System.Diagnostics;
using System.Numerics;

namespace ImagingGateway.Tools.AwsLocal.Tests;

/// <summary>
/// Part 10 files of one new study made from pydicom's CT_small.dcm with DCMTK dcmodify: fresh study, series and SOP
/// instance UIDs (2.25 UUID form, PS3.5 B.2), the file meta information updated with them.
/// </summary>
public static class TestStudy
{
    public const string Source = "/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm";

    /// <param name="instancesPerSeries">One entry per series: how many instances it has.</param>
    public static IReadOnlyList<string> Create(string directory, params int[] instancesPerSeries)
    {
        if (!File.Exists(Source))
        {
            throw new InvalidOperationException($"{Source} is missing: run tests/setup.d/10-debian-packages.sh (python3-pydicom)");
        }
        var folder = Directory.CreateDirectory(Path.Combine(directory, "study-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var study = Uid();
        var files = new List<string>();
        foreach (var count in instancesPerSeries)
        {
            var series = Uid();
            for (var i = 0; i < count; i++)
            {
                var file = Path.Combine(folder, $"{files.Count}.dcm");
                File.Copy(Source, file);
                Modify(file, ("(0020,000d)", study), ("(0020,000e)", series), ("(0008,0018)", Uid()), ("(0020,0013)", (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                files.Add(file);
            }
        }
        return files;
    }

    private static string Uid() => "2.25." + new BigInteger(Guid.NewGuid().ToByteArray(), isUnsigned: true);

    private static void Modify(string file, params (string Tag, string Value)[] values)
    {
        var info = new ProcessStartInfo("dcmodify") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add("-nb");
        foreach (var (tag, value) in values)
        {
            info.ArgumentList.Add("-m");
            info.ArgumentList.Add($"{tag}={value}");
        }
        info.ArgumentList.Add(file);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("dcmodify (DCMTK) is not installed");
        var output = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dcmodify failed: {output}");
        }
    }
}
