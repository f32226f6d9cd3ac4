using ImagingGateway.Infrastructure.Local.FileSystem;
using ImagingGateway.Infrastructure.Local.Tests.TestSupport;

namespace ImagingGateway.Infrastructure.Local.Tests.FileSystem;

/// <summary>
/// The attribute on file systems whose answer is known: ext4 has it, tmpfs has none. Each runs on its own mount
/// (<see cref="MountedFileSystem"/>), and e2fsprogs' lsattr reads the attribute independently of the code under test.
/// </summary>
public sealed class TopDirectoryFlagTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void GivenAFolderOnExt4_WhenMarked_ThenLsattrShowsTheTopDirectoryAttribute()
    {
        using var ext4 = MountedFileSystem.Ext4();
        var folder = ext4.Combine("marked");
        Directory.CreateDirectory(folder);
        Assert.False(Lsattr.ShowsTopDirectory(folder)); // a new folder below ext4's root does not have it
        Assert.False(TopDirectoryFlag.IsSet(folder));

        Assert.True(TopDirectoryFlag.TrySet(folder));

        Assert.True(Lsattr.ShowsTopDirectory(folder));
        Assert.True(TopDirectoryFlag.IsSet(folder));
        Assert.True(TopDirectoryFlag.TrySet(folder)); // marking again is a success that changes nothing
        Assert.True(Lsattr.ShowsTopDirectory(folder));
    }

    [Fact]
    public void GivenAFolderOnTmpfs_WhenMarked_ThenTheMarkFailsAndLsattrShowsNothing()
    {
        using var tmpfs = MountedFileSystem.Tmpfs();
        var folder = tmpfs.Combine("unmarkable");
        Directory.CreateDirectory(folder);

        Assert.False(TopDirectoryFlag.TrySet(folder));

        Assert.False(Lsattr.ShowsTopDirectory(folder));
        Assert.False(TopDirectoryFlag.IsSet(folder));
    }

    [Fact]
    public void GivenAMissingFolder_WhenMarked_ThenTheMarkFailsWithoutAnException()
    {
        Assert.False(TopDirectoryFlag.TrySet(_temp.Combine("missing")));
        Assert.False(TopDirectoryFlag.IsSet(_temp.Combine("missing")));
    }
}
