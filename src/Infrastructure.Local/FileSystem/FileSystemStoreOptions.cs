using ImagingGateway.Infrastructure.Local.FileSystem.Journal;

namespace ImagingGateway.Infrastructure.Local.FileSystem;

/// <summary>Settings of <see cref="FileSystemInstanceStore"/>.</summary>
public sealed class FileSystemStoreOptions
{
    /// <summary>The folder that plays the bucket: object keys are paths below it.</summary>
    public string RootDirectory { get; set; } = "./data/instances";

    /// <summary>Keys under this prefix raise an object-created notification when committed (as the S3 event rule does).</summary>
    public string NotificationPrefix { get; set; } = "batches/";

    /// <summary>
    /// Write buffer per upload (an upload holds one, plus up to four full ones waiting to be written). 1 MiB holds a CT
    /// or MR image whole, so it is written once, at the commit, on the receiving thread; with 256 KiB a 0.5 MB CT image
    /// went to the thread pool in two hand-offs and was slower (docs/performance.md).
    /// </summary>
    public int UploadBufferSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Empty temp files kept ready in <c>.incoming/</c> by a background thread, so an upload does not create its file on
    /// the C-STORE's path (<see cref="TempFilePool"/>). 0 turns this off.
    /// </summary>
    public int PreparedTempFiles { get; set; } = 64;

    /// <summary>
    /// When the store creates <c>.incoming/</c>, mark the root first with ext4's top-directory attribute (<c>chattr +T</c>),
    /// so that the folders directly below it get inodes in block groups of their own (<see cref="TopDirectoryFlag"/>);
    /// and mark <c>.incoming/</c> at every start, so that each start's upload folder, where the instance files are
    /// created, lands in a group picked by its random name rather than where the previous run's files were deleted.
    /// A placement hint: where the file system has no such attribute nothing changes.
    /// </summary>
    public bool MarkRootAsTopDirectory { get; set; } = true;

    /// <summary>The most commits one group flush takes.</summary>
    public int MaxGroupSize { get; set; } = 256;

    /// <summary>How many file fsyncs of one group run at once.</summary>
    public int MaxParallelFlushes { get; set; } = 8;

    /// <summary>
    /// fsync files and directories on commit. Only turn this off for throwaway data: a commit is then atomic
    /// (rename) but not durable across a power loss or kernel crash.
    /// </summary>
    public bool Durable { get; set; } = true;

    /// <summary>
    /// The write-ahead journal through which durable commits of objects up to <see cref="JournalOptions.MaxObjectBytes"/>
    /// go (one shared data flush instead of fsync + rename + directory fsync per object).
    /// </summary>
    public JournalOptions Journal { get; set; } = new();
}
