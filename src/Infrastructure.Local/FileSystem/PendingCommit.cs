using Microsoft.Win32.SafeHandles;

namespace ImagingGateway.Infrastructure.Local.FileSystem;

/// <summary>One written file waiting to be made durable and visible.</summary>
internal sealed class PendingCommit(SafeFileHandle handle, string tempPath, string finalPath, IReadOnlyList<string> directoriesToSync)
{
    public SafeFileHandle Handle { get; } = handle;

    public string TempPath { get; } = tempPath;

    public string FinalPath { get; } = finalPath;

    /// <summary>The final file's directory, plus the parent of every directory created for it that is not yet durable.</summary>
    public IReadOnlyList<string> DirectoriesToSync { get; } = directoriesToSync;

    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Exception? Error { get; set; }
}
