using System.ComponentModel;
using System.Runtime.InteropServices;

namespace ImagingGateway.Infrastructure.Local.Tests.TestSupport;

/// <summary>How much of a file the kernel holds in its page cache (Linux <c>mincore(2)</c> over a read-only mapping).</summary>
internal static class PageCache
{
    private const int ProtRead = 1;
    private const int MapShared = 1;

    /// <summary>Bytes of <paramref name="path"/> resident in the page cache, in whole pages.</summary>
    public static long ResidentBytes(string path)
    {
        var length = new FileInfo(path).Length;
        if (length == 0)
        {
            return 0;
        }

        var pageSize = Environment.SystemPageSize;
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var address = Mmap(0, (nuint)length, ProtRead, MapShared, (int)handle.DangerousGetHandle(), 0);
        if (address == -1)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"mmap of {path} failed");
        }

        try
        {
            var pages = new byte[(length + pageSize - 1) / pageSize];
            if (Mincore(address, (nuint)length, pages) != 0)
            {
                throw new Win32Exception(Marshal.GetLastPInvokeError(), $"mincore of {path} failed");
            }

            return pages.LongCount(p => (p & 1) != 0) * pageSize;
        }
        finally
        {
            _ = Munmap(address, (nuint)length);
        }
    }

    [DllImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static extern nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [DllImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static extern int Munmap(nint address, nuint length);

    [DllImport("libc", EntryPoint = "mincore", SetLastError = true)]
    private static extern int Mincore(nint address, nuint length, byte[] vector);
}
