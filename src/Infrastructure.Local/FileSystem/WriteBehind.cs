using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ImagingGateway.Infrastructure.Local.FileSystem;

/// <summary>
/// Streams a durable upload through the page cache instead of leaving it there (Linux <c>sync_file_range(2)</c> and
/// <c>posix_fadvise(2)</c>). <see cref="Start"/> starts writeback of a range just written, so a large upload reaches the
/// disk while it is still arriving and the fsync at commit has little left to flush. <see cref="Finish"/> waits for a
/// range whose writeback was started earlier and lets its (now clean) pages go; <see cref="Release"/> does that for a
/// whole file once its fsync has made it durable. An instance is written once and read again only by its import, so
/// keeping its pages would only push useful data out of the cache; and the next upload's writes land in the pages just
/// freed instead of memory the kernel (and, on a virtual machine, the host) must first provide: writing 500 MB into
/// fresh page-cache pages took 1.07 s of system time on the 2 vCPU benchmark VM, into recycled ones 0.19 s.
/// None of this makes anything durable by itself; where the calls are unavailable they are silently skipped.
/// <para>
/// Dropping ranges during an upload needs a file system where <c>sync_file_range</c> reaches the file's own pages.
/// On a stacked one (overlayfs, a container's root) it acts on the upper file's empty mapping and does nothing, so
/// the pages stay dirty and cannot be dropped; on tmpfs the pages are the file. <see cref="ReleasesRanges"/> finds out
/// by trying, once per store; where it cannot, a durable store still drops each file's pages after its fsync.
/// </para>
/// </summary>
internal static partial class WriteBehind
{
    private const uint SyncFileRangeWaitBefore = 1;
    private const uint SyncFileRangeWrite = 2;
    private const uint SyncFileRangeWaitAfter = 4;
    private const int PosixFadviseDontNeed = 4;
    private const int ProtRead = 1;
    private const int MapShared = 1;
    private const nint MapFailed = -1;
    private static volatile bool s_unavailable = !OperatingSystem.IsLinux();
    private static volatile bool s_adviceUnavailable = !OperatingSystem.IsLinux();

    /// <summary>Starts writeback of <paramref name="length"/> bytes at <paramref name="offset"/> and returns at once.</summary>
    public static void Start(SafeFileHandle handle, long offset, long length) =>
        SyncRange(handle, offset, length, SyncFileRangeWrite);

    /// <summary>Waits until the range is written back (starting what is not yet), then drops its pages from the cache.</summary>
    public static void Finish(SafeFileHandle handle, long offset, long length)
    {
        SyncRange(handle, offset, length, SyncFileRangeWaitBefore | SyncFileRangeWrite | SyncFileRangeWaitAfter);
        Advise(handle, offset, length, PosixFadviseDontNeed);
    }

    /// <summary>Drops the cached pages of a file that was just fsynced (they are clean, so this costs no I/O).</summary>
    public static void Release(SafeFileHandle handle)
    {
        Advise(handle, 0, 0, PosixFadviseDontNeed);
    }

    /// <summary>
    /// Whether <see cref="Finish"/> lets the pages of a file in <paramref name="directory"/> leave the page cache:
    /// one page is written to a probe file there (deleted on close), finished, and looked up with <c>mincore(2)</c>.
    /// </summary>
    public static bool ReleasesRanges(string directory)
    {
        if (s_unavailable || s_adviceUnavailable)
        {
            return false;
        }

        var pageSize = Environment.SystemPageSize;
        try
        {
            using var handle = File.OpenHandle(
                Path.Combine(directory, $"writeback-probe-{Guid.NewGuid():N}.tmp"),
                FileMode.CreateNew,
                FileAccess.ReadWrite,
                FileShare.None,
                FileOptions.DeleteOnClose);
            RandomAccess.Write(handle, new byte[pageSize], 0);
            Finish(handle, 0, pageSize);
            return !s_unavailable && IsFirstPageResident(handle, pageSize) == false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Whether the file's first page is in the page cache; null when the kernel will not say.</summary>
    private static bool? IsFirstPageResident(SafeFileHandle handle, int pageSize)
    {
        using var fd = new FileDescriptor(handle);
        var address = Mmap(0, (nuint)pageSize, ProtRead, MapShared, fd.Value, 0);
        if (address == MapFailed)
        {
            return null;
        }

        try
        {
            byte vector = 0;
            return Mincore(address, (nuint)pageSize, ref vector) == 0 ? (vector & 1) != 0 : null;
        }
        finally
        {
            _ = Munmap(address, (nuint)pageSize);
        }
    }

    private static void SyncRange(SafeFileHandle handle, long offset, long length, uint flags)
    {
        if (s_unavailable || length <= 0)
        {
            return;
        }

        using var fd = new FileDescriptor(handle);
        try
        {
            if (SyncFileRange(fd.Value, offset, length, flags) != 0)
            {
                // ENOSYS, or a file system that does not support it: not worth a second try.
                s_unavailable = true;
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
        }
    }

    private static void Advise(SafeFileHandle handle, long offset, long length, int advice)
    {
        if (s_adviceUnavailable)
        {
            return;
        }

        using var fd = new FileDescriptor(handle);
        try
        {
            // posix_fadvise returns the error number itself; advice is only advice, so a refusal is not an error.
            _ = PosixFadvise(fd.Value, offset, length, advice);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            s_adviceUnavailable = true;
        }
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(int fd, long offset, long nbytes, uint flags);

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int PosixFadvise(int fd, long offset, long length, int advice);

    [LibraryImport("libc", EntryPoint = "mmap")]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Munmap(nint address, nuint length);

    [LibraryImport("libc", EntryPoint = "mincore")]
    private static partial int Mincore(nint address, nuint length, ref byte vector);
}
