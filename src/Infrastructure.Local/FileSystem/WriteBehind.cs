using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ImagingGateway.Infrastructure.Local.FileSystem;

/// <summary>
/// Starts writeback of a written range right away (Linux <c>sync_file_range(SYNC_FILE_RANGE_WRITE)</c>), so the data
/// of a large upload streams to disk while it is still arriving and the fsync at commit has little left to flush.
/// It does not wait and makes nothing durable by itself; where the call is unavailable it is silently skipped.
/// </summary>
internal static partial class WriteBehind
{
    private const uint SyncFileRangeWrite = 2;
    private static volatile bool s_unavailable = !OperatingSystem.IsLinux();

    public static void Start(SafeFileHandle handle, long offset, long length)
    {
        if (s_unavailable || length <= 0)
        {
            return;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (SyncFileRange((int)handle.DangerousGetHandle(), offset, length, SyncFileRangeWrite) != 0)
            {
                // ENOSYS, or a file system that does not support it: not worth a second try.
                s_unavailable = true;
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(int fd, long offset, long nbytes, uint flags);
}
