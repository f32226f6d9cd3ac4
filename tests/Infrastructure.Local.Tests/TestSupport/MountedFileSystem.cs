using System.Diagnostics;

namespace ImagingGateway.Infrastructure.Local.Tests.TestSupport;

/// <summary>
/// A file system of a known type mounted for one test, so that behaviour that depends on the file system is proved
/// wherever the tests run (the CI machine's root is overlayfs): an ext4 image made by e2fsprogs' <c>mkfs.ext4</c> and
/// mounted through a loop device, a tmpfs, or an overlayfs over such an ext4. Mounting needs root (CI runs as root); where it fails, the test fails
/// with mount's own message instead of passing on whatever file system the temp folder happens to be.
/// </summary>
public sealed class MountedFileSystem : IDisposable
{
    private readonly string _folder;
    private readonly MountedFileSystem? _below;
    private bool _mounted;

    private MountedFileSystem(string type, MountedFileSystem? below = null)
    {
        Type = type;
        _below = below;
        _folder = Directory.CreateTempSubdirectory($"igw-{type}-").FullName;
        Path = System.IO.Path.Combine(_folder, "mnt");
        Directory.CreateDirectory(Path);
    }

    /// <summary>The file system's type as the test asked for it ("ext4", "tmpfs" or "overlay").</summary>
    public string Type { get; }

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>
    /// A fresh ext4 file system (with its default journal) of <paramref name="megabytes"/> MB in a sparse image file:
    /// room for a store's preallocated 64 MB journal segments, at the cost of only the blocks written.
    /// </summary>
    public static MountedFileSystem Ext4(int megabytes = 512)
    {
        var mounted = new MountedFileSystem("ext4");
        try
        {
            var image = System.IO.Path.Combine(mounted._folder, "ext4.img");
            using (var file = File.Create(image))
            {
                file.SetLength(megabytes * 1024L * 1024L);
            }

            Run("mkfs.ext4", "-q", "-F", image);
            Run("mount", "-t", "ext4", "-o", "loop", image, mounted.Path);
            mounted._mounted = true;
            return mounted;
        }
        catch
        {
            mounted.Dispose();
            throw;
        }
    }

    /// <summary>A fresh tmpfs (its size only a limit): its page cache is the file itself, and it has none of ext4's inode flags.</summary>
    public static MountedFileSystem Tmpfs(int megabytes = 512)
    {
        var mounted = new MountedFileSystem("tmpfs");
        try
        {
            Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", mounted.Path);
            mounted._mounted = true;
            return mounted;
        }
        catch
        {
            mounted.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A fresh overlayfs, as a container's root file system is, with its upper (written) layer on a fresh ext4: what
    /// the ext4 below could do, the overlay may not.
    /// </summary>
    public static MountedFileSystem Overlay()
    {
        var ext4 = Ext4();
        var mounted = new MountedFileSystem("overlay", ext4);
        try
        {
            foreach (var layer in new[] { "lower", "upper", "work" })
            {
                Directory.CreateDirectory(ext4.Combine(layer));
            }

            var layers = $"lowerdir={ext4.Combine("lower")},upperdir={ext4.Combine("upper")},workdir={ext4.Combine("work")}";
            Run("mount", "-t", "overlay", "overlay", "-o", layers, mounted.Path);
            mounted._mounted = true;
            return mounted;
        }
        catch
        {
            mounted.Dispose();
            throw;
        }
    }

    /// <summary>Mounts the file system named by <paramref name="type"/> ("ext4", "tmpfs" or "overlay"), for theories.</summary>
    public static MountedFileSystem Of(string type) => type switch
    {
        "ext4" => Ext4(),
        "tmpfs" => Tmpfs(),
        "overlay" => Overlay(),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "ext4, tmpfs or overlay"),
    };

    /// <summary>A path below the mount point.</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        if (_mounted)
        {
            // mount -o loop set the loop device to detach itself when the file system is unmounted.
            _mounted = false;
            try
            {
                Run("umount", Path);
            }
            catch (InvalidOperationException)
            {
                // Busy (a file a failed test left open): detach it now and free it when closed, then report.
                Run("umount", "--lazy", Path);
                throw;
            }
        }

        Directory.Delete(_folder, recursive: true);
        _below?.Dispose();
    }

    private static void Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"{tool} did not start (e2fsprogs and mount: tests/setup.d/10-debian-packages.sh)");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode} (these tests need root and a loop device): {error}{output.Result}");
        }
    }
}
