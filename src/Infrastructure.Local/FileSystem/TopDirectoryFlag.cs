using System.Runtime.InteropServices;

namespace ImagingGateway.Infrastructure.Local.FileSystem;

/// <summary>
/// The "top of directory hierarchies" attribute of ext2/3/4 (<c>FS_TOPDIR_FL</c>, shown by <c>lsattr</c> as <c>T</c>;
/// <c>ioctl_iflags(2)</c>). ext4's Orlov allocator places a folder created directly below a folder so marked as it
/// places the folders below the file system's root: in a block group chosen for its free inodes and few folders, instead
/// of the parent's own group. The files created in that folder then take their inodes from that group.
/// <para>
/// The store marks its root when it creates it, so that <c>.incoming/</c> does not share its block group with whatever
/// was deleted there last, and marks <c>.incoming/</c> itself, so that each start's upload folder below it, where every
/// instance's file is created, lands in a group picked from the folder's random name (a folder below a marked one is
/// placed from a hash of its name), not in the group of the previous run's upload folder. On ext4 without a journal the
/// inode allocator steps over each inode of the group freed in the last 60 s (360 s while its inode-table block is
/// dirty), one buffer lookup each, from the group's start, at every create (<c>recently_deleted</c> in
/// <c>fs/ext4/ialloc.c</c>). After the benchmark harness deleted the previous run's 2,000 files, a create next to them
/// took 0.6–1.2 ms; in a folder below a marked one, 0.03–0.2 ms (docs/performance.md). On other file
/// systems the call fails and nothing changes: the attribute is only a placement hint, never needed for correctness.
/// </para>
/// </summary>
internal static partial class TopDirectoryFlag
{
    private const int FsTopDirFl = 0x00020000;
    private const nuint FsIocGetFlags = 0x80086601; // _IOR('f', 1, long); the kernel reads and writes an int
    private const nuint FsIocSetFlags = 0x40086602; // _IOW('f', 2, long)

    /// <summary>Sets the attribute on <paramref name="directory"/>; false where the file system or platform has none.</summary>
    public static bool TrySet(string directory) => OnDirectory(directory, fd =>
    {
        var flags = 0;
        if (IoctlFlags(fd, FsIocGetFlags, ref flags) != 0)
        {
            return false;
        }

        if ((flags & FsTopDirFl) != 0)
        {
            return true;
        }

        flags |= FsTopDirFl;
        return IoctlFlags(fd, FsIocSetFlags, ref flags) == 0;
    });

    /// <summary>Whether <paramref name="directory"/> has the attribute (false where it cannot be read).</summary>
    public static bool IsSet(string directory) => OnDirectory(directory, fd =>
    {
        var flags = 0;
        return IoctlFlags(fd, FsIocGetFlags, ref flags) == 0 && (flags & FsTopDirFl) != 0;
    });

    // The request numbers are Linux's: elsewhere there is nothing to set.
    private static bool OnDirectory(string directory, Func<int, bool> call) =>
        OperatingSystem.IsLinux() && DirectorySync.TryOnDirectory(directory, call);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlFlags(int fd, nuint request, ref int flags);
}
