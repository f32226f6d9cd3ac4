using System.ComponentModel;
using System.Runtime.InteropServices;

namespace ImagingGateway.Infrastructure.Local.FileSystem;

/// <summary>
/// The calls that need a directory's own file descriptor, which .NET cannot open as a file handle, so they go to libc:
/// <c>fsync(2)</c> of a directory, which makes the names created, renamed or removed in it durable, and
/// <c>syncfs(2)</c>, which makes everything written on the directory's file system durable. On Windows directory
/// entries are durable with the file's metadata and there is nothing to do.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;

    /// <summary>fsync of <paramref name="directory"/> itself.</summary>
    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsWindows())
        {
            OnDirectory(directory, FSync, "fsync");
        }
    }

    /// <summary>syncfs of the file system holding <paramref name="directory"/> (Linux only: the caller checks).</summary>
    public static void FlushFileSystem(string directory) => OnDirectory(directory, SyncFs, "syncfs");

    /// <summary>
    /// Runs <paramref name="call"/> on a descriptor of <paramref name="directory"/> (not on Windows) and returns its
    /// answer; false when the directory cannot be opened. For calls that may fail quietly (<see cref="TopDirectoryFlag"/>).
    /// </summary>
    public static bool TryOnDirectory(string directory, Func<int, bool> call)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        var fd = Open(directory, ReadOnly);
        if (fd < 0)
        {
            return false;
        }

        try
        {
            return call(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static void OnDirectory(string directory, Func<int, int> call, string callName)
    {
        var fd = Open(directory, ReadOnly);
        if (fd < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot open directory '{directory}' for {callName}", new Win32Exception(error));
        }

        try
        {
            if (call(fd) != 0)
            {
                var error = Marshal.GetLastPInvokeError();
                throw new IOException($"{callName} of directory '{directory}' failed", new Win32Exception(error));
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
