using System.ComponentModel;
using System.Runtime.InteropServices;

namespace ImagingGateway.Infrastructure.Local.FileSystem;

/// <summary>
/// fsync(2) of a directory, which makes the names created, renamed or removed in it durable. .NET cannot open a
/// directory as a file handle, so this goes to libc. On Windows directory entries are durable with the file's
/// metadata and there is nothing to do.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;

    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = Open(directory, ReadOnly);
        if (fd < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot open directory '{directory}' to fsync it", new Win32Exception(error));
        }

        try
        {
            if (FSync(fd) != 0)
            {
                var error = Marshal.GetLastPInvokeError();
                throw new IOException($"fsync of directory '{directory}' failed", new Win32Exception(error));
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

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
