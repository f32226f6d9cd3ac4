using Microsoft.Win32.SafeHandles;

namespace ImagingGateway.Infrastructure.Local.FileSystem;

/// <summary>
/// The raw descriptor of a <see cref="SafeFileHandle"/>, for the few system calls .NET does not wrap
/// (<c>fdatasync</c>, <c>copy_file_range</c>, <c>sync_file_range</c>, <c>posix_fadvise</c>). The handle cannot be
/// closed, and its number reused, until this is disposed (<see cref="SafeHandle.DangerousAddRef"/>).
/// </summary>
internal readonly ref struct FileDescriptor
{
    private readonly SafeFileHandle _handle;
    private readonly bool _added;

    public FileDescriptor(SafeFileHandle handle)
    {
        _handle = handle;
        handle.DangerousAddRef(ref _added);
        Value = (int)handle.DangerousGetHandle();
    }

    public int Value { get; }

    public void Dispose()
    {
        if (_added)
        {
            _handle.DangerousRelease();
        }
    }
}
