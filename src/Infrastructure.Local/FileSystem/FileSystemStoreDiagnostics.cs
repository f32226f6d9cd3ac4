namespace ImagingGateway.Infrastructure.Local.FileSystem;

/// <summary>
/// What tests see of a <see cref="FileSystemInstanceStore"/> beyond its port: its folders, the placement and page-cache
/// decisions it took at start-up, the commit pipeline's counters, and a crash on demand.
/// </summary>
internal sealed class FileSystemStoreDiagnostics(FileSystemStoreRoot root, CommitPipeline? pipeline)
{
    /// <summary>The absolute root folder, without a trailing separator.</summary>
    public string Root => root.Root;

    /// <summary><c>{root}/.incoming</c>.</summary>
    public string IncomingDirectory => root.IncomingDirectory;

    /// <summary>This store instance's upload folder below <see cref="IncomingDirectory"/>.</summary>
    public string UploadDirectory => root.UploadDirectory;

    /// <summary>False when another process holds the root: the store then only reads.</summary>
    public bool IsWritable => root.IsWritable;

    /// <summary>Whether the store created <c>.incoming/</c> below a root it marked as a top directory (<see cref="TopDirectoryFlag"/>).</summary>
    public bool RootMarkedAsTopDirectory => root.RootMarkedAsTopDirectory;

    /// <summary>Whether the store marked <c>.incoming/</c> as a top directory.</summary>
    public bool IncomingMarkedAsTopDirectory => root.IncomingMarkedAsTopDirectory;

    /// <summary>Empty temp files ready for the next uploads (<see cref="FileSystemStoreOptions.PreparedTempFiles"/>).</summary>
    public int PreparedTempFiles => root.PreparedTempFiles;

    /// <summary>Whether uploads drop their written ranges from the page cache as they go (<see cref="WriteBehind.ReleasesRanges"/>).</summary>
    public bool ReleasesWrittenRanges => pipeline?.ReleasesWrittenRanges ?? false;

    /// <summary>Commits flushed by the group committer and the groups they were flushed in (commits / groups = the sharing).</summary>
    public (long Commits, long Groups) CommitStatistics => pipeline?.CommitStatistics ?? (0, 0);

    /// <summary>The journal's checkpoints and data flushes so far (zeros without a journal).</summary>
    public (long Checkpoints, long Flushes) JournalStatistics => pipeline?.JournalStatistics ?? (0, 0);

    /// <summary>The file a key is stored in.</summary>
    public string PathOf(string key) => root.PathOf(key);

    /// <summary>The temp file an upload of this store writes to.</summary>
    public static string TempPathOf(Application.Common.Ports.IInstanceUpload upload) => ((FileSystemUpload)upload).TempPath;

    /// <summary>Makes everything committed through the journal durable in place now.</summary>
    public void Checkpoint() => pipeline?.Checkpoint();

    /// <summary>Replaces the journal's data flush of a segment, to make a slow disk deterministic.</summary>
    public void OverrideJournalFlush(Action<Microsoft.Win32.SafeHandles.SafeFileHandle> flush) => pipeline?.OverrideJournalFlush(flush);

    /// <summary>
    /// Lets go of the root as a killed process would: no checkpoint, the lock released, temp files left where they are.
    /// The next store opened on the root recovers.
    /// </summary>
    public void SimulateCrash()
    {
        pipeline?.Abandon();
        root.ReleaseLock();
    }
}
