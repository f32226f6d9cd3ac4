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
        Assert.False(Lsattr.ShowsTopDirectory(folder)); // a new folder does not inherit it from the temp folder

        var marked = TopDirectoryFlag.TrySet(folder);

        // e2fsprogs' lsattr reads the same attribute independently: 'T' in its flag column. On ext2/3/4 both agree that
        // it is set; on a file system without the attribute the mark fails and lsattr shows no 'T'.
        Assert.Equal(marked, Lsattr.ShowsTopDirectory(folder));
        Assert.Equal(marked, TopDirectoryFlag.IsSet(folder));
        Assert.Equal(marked, TopDirectoryFlag.TrySet(folder)); // marking again changes nothing
    }

    [Fact]
    public void GivenAMissingFolder_WhenMarked_ThenTheMarkFailsWithoutAnException()
    {
        Assert.False(TopDirectoryFlag.TrySet(_temp.Combine("missing")));
        Assert.False(TopDirectoryFlag.IsSet(_temp.Combine("missing")));
    }
}
