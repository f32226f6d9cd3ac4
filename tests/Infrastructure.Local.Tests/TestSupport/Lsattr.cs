using System.Diagnostics;

namespace ImagingGateway.Infrastructure.Local.Tests.TestSupport;

/// <summary>e2fsprogs' <c>lsattr</c>, which reads a file's attributes independently of the code under test.</summary>
public static class Lsattr
{
    /// <summary><c>lsattr -d FOLDER</c>: "FLAGS FOLDER"; false when lsattr cannot read the attributes (it then exits non-zero).</summary>
    public static bool ShowsTopDirectory(string folder)
    {
        var start = new ProcessStartInfo("lsattr") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-d");
        start.ArgumentList.Add(folder);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("lsattr (e2fsprogs) did not start");
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 && output.Split(' ', 2)[0].Contains('T', StringComparison.Ordinal);
    }
}
