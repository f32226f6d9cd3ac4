using System.Diagnostics;
using ImagingGateway.Infrastructure.Local.FileSystem;
using ImagingGateway.Infrastructure.Local.Tests.TestSupport;

namespace ImagingGateway.Infrastructure.Local.Tests.FileSystem;

public sealed class TopDirectoryFlagTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void GivenAFolder_WhenMarked_ThenLsattrSeesTheTopDirectoryAttributeExactlyWhenTheMarkSucceeded()
    {
        var folder = _temp.Combine("marked");
        Directory.CreateDirectory(folder);
        Assert.False(TopDirectoryFlag.IsSet(folder));
        Assert.False(LsattrShowsTopDirectory(folder)); // a new folder does not inherit it from the temp folder

        var marked = TopDirectoryFlag.TrySet(folder);

        // e2fsprogs' lsattr reads the same attribute independently: 'T' in its flag column. On ext2/3/4 both agree that
        // it is set; on a file system without the attribute the mark fails and lsattr shows no 'T'.
        Assert.Equal(marked, LsattrShowsTopDirectory(folder));
        Assert.Equal(marked, TopDirectoryFlag.IsSet(folder));
        Assert.Equal(marked, TopDirectoryFlag.TrySet(folder)); // marking again changes nothing
    }

    [Fact]
    public void GivenAMissingFolder_WhenMarked_ThenTheMarkFailsWithoutAnException()
    {
        Assert.False(TopDirectoryFlag.TrySet(_temp.Combine("missing")));
        Assert.False(TopDirectoryFlag.IsSet(_temp.Combine("missing")));
    }

    /// <summary><c>lsattr -d FOLDER</c>: "FLAGS FOLDER"; false when lsattr cannot read the attributes (it then exits non-zero).</summary>
    internal static bool LsattrShowsTopDirectory(string folder)
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
