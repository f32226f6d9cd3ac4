using System.Buffers;
using System.ComponentModel;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ImagingGateway.Infrastructure.Local.FileSystem.Journal;

/// <summary>
/// The few file-system calls the journal needs that .NET does not offer: <c>fdatasync(2)</c> (data only: an overwrite
/// of already allocated blocks then needs no file-system journal commit), <c>syncfs(2)</c> through <see cref="DirectorySync"/> (one call makes everything
/// written below a folder durable) and <c>copy_file_range(2)</c> (a copy inside the kernel). Each falls back to a
/// portable equivalent where the call is missing (non-Linux, or a file system that refuses it).
/// </summary>
internal static partial class NativeFileOperations
{
    private const int EINTR = 4;
    private static volatile bool s_noCopyFileRange = !OperatingSystem.IsLinux();

    /// <summary>Makes the written data of <paramref name="handle"/> durable (fdatasync; fsync where unavailable).</summary>
    public static void FlushData(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(handle);
            return;
        }

        using var fd = new FileDescriptor(handle);
        int result;
        do
        {
            result = FDataSync(fd.Value);
        }
        while (result != 0 && Marshal.GetLastPInvokeError() == EINTR);

        if (result != 0)
        {
            throw new IOException("fdatasync of the journal failed", new Win32Exception(Marshal.GetLastPInvokeError()));
        }
    }

    /// <summary>
    /// Makes every file and name written on the file system holding <paramref name="folder"/> durable: syncfs on
    /// Linux; elsewhere each of <paramref name="files"/> and <paramref name="folders"/> is flushed one by one.
    /// </summary>
    public static void FlushFileSystem(string folder, IReadOnlyCollection<string> files, IReadOnlyCollection<string> folders)
    {
        if (OperatingSystem.IsLinux())
        {
            DirectorySync.FlushFileSystem(folder);
            return;
        }

        foreach (var file in files)
        {
            try
            {
                using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                RandomAccess.FlushToDisk(handle);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                // Replaced or deleted since: whatever replaced it was made durable on its own path.
            }
        }

        foreach (var directory in folders)
        {
            DirectorySync.Flush(directory);
        }
    }

    /// <summary>Copies <paramref name="length"/> bytes between two files by offset, in the kernel where it can.</summary>
    public static void Copy(SafeFileHandle source, long sourceOffset, SafeFileHandle destination, long destinationOffset, long length)
    {
        if (!s_noCopyFileRange)
        {
            var copied = TryCopyInKernel(source, ref sourceOffset, destination, ref destinationOffset, length);
            length -= copied;
            if (length == 0)
            {
                return;
            }
        }

        var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
        try
        {
            while (length > 0)
            {
                var read = RandomAccess.Read(source, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length)), sourceOffset);
                if (read <= 0)
                {
                    throw new IOException($"the source ended {length} bytes early while copying into the journal");
                }

                RandomAccess.Write(destination, buffer.AsSpan(0, read), destinationOffset);
                sourceOffset += read;
                destinationOffset += read;
                length -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>copy_file_range until done; returns how much it copied (less than asked when the call is refused).</summary>
    private static long TryCopyInKernel(SafeFileHandle source, ref long sourceOffset, SafeFileHandle destination, ref long destinationOffset, long length)
    {
        using var input = new FileDescriptor(source);
        using var output = new FileDescriptor(destination);
        long total = 0;
        while (total < length)
        {
            nint n;
            try
            {
                n = CopyFileRange(input.Value, ref sourceOffset, output.Value, ref destinationOffset, (nuint)Math.Min(length - total, 1L << 30), 0);
            }
            catch (EntryPointNotFoundException)
            {
                s_noCopyFileRange = true;
                return total;
            }

            if (n > 0)
            {
                total += n;
                continue;
            }

            var error = n < 0 ? Marshal.GetLastPInvokeError() : 0;
            if (error == EINTR)
            {
                continue;
            }

            if (n == 0)
            {
                throw new IOException($"the source ended {length - total} bytes early while copying into the journal");
            }

            // ENOSYS, EXDEV, EINVAL, EOPNOTSUPP...: this file system does not do it; copy through user space.
            s_noCopyFileRange = true;
            return total;
        }

        return total;
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FDataSync(int fd);

    [LibraryImport("libc", EntryPoint = "copy_file_range", SetLastError = true)]
    private static partial nint CopyFileRange(int fdIn, ref long offIn, int fdOut, ref long offOut, nuint length, uint flags);
}
