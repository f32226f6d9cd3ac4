using System.IO.Hashing;
using System.Security.Cryptography;
using ImagingGateway.Infrastructure.Local.FileSystem;
using ImagingGateway.Infrastructure.Local.FileSystem.Journal;
using ImagingGateway.Infrastructure.Local.Tests.TestSupport;

namespace ImagingGateway.Infrastructure.Local.Tests.FileSystem.Journal;

/// <summary>
/// The store's write-ahead journal, through the store: a "crash" is <see cref="FileSystemStoreDiagnostics.SimulateCrash"/>
/// (no checkpoint, lock released), and the loss of what was not yet durable in place is simulated by deleting or
/// damaging the object's file before the restart.
/// </summary>
public sealed class InstanceJournalTests : IDisposable
{
    private const string KeyA = "dicom/2026/11/28/01JDQ5ZJ3K8X9F7N2B4C6D8E0G/1.2.3.4.dcm";
    private const string KeyB = "dicom/2026/11/28/01JDQ5ZJ3K8X9F7N2B4C6D8E0G/1.2.3.5.dcm";
    private readonly TempDirectory _temp = new();
    private readonly List<FileSystemInstanceStore> _stores = [];

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        _temp.Dispose();
    }

    [Fact]
    public async Task GivenCommittedObject_WhenTheProcessDiesAndItsFileIsLost_ThenTheRestartRewritesItFromTheJournal()
    {
        var store = Open();
        var a = RandomNumberGenerator.GetBytes(200_000);
        var b = RandomNumberGenerator.GetBytes(5_000);
        var infoA = await PutAsync(store, KeyA, a);
        await PutAsync(store, KeyB, b);
        Assert.Equal(0, store.Diagnostics.CommitStatistics.Commits); // nothing took the fsync-per-file path
        store.Diagnostics.SimulateCrash();
        File.Delete(store.Diagnostics.PathOf(KeyA));
        await File.WriteAllBytesAsync(store.Diagnostics.PathOf(KeyB), b.AsSpan(0, 100).ToArray()); // a torn file in place

        var restarted = Open();

        Assert.Equal(a, await File.ReadAllBytesAsync(restarted.Diagnostics.PathOf(KeyA)));
        Assert.Equal(b, await File.ReadAllBytesAsync(restarted.Diagnostics.PathOf(KeyB)));
        Assert.Equal("xxh3:" + Convert.ToHexStringLower(XxHash3.Hash(a)), infoA.Checksum);
        Assert.Empty(IncomingFiles.Written(restarted.Diagnostics.IncomingDirectory));
    }

    [Fact]
    public async Task GivenJournaledObjectsFromACrash_WhenRestartedWithTheJournalTurnedOff_ThenTheyAreStillReplayed()
    {
        var store = Open();
        var a = RandomNumberGenerator.GetBytes(10_000);
        await PutAsync(store, KeyA, a);
        store.Diagnostics.SimulateCrash();
        File.Delete(store.Diagnostics.PathOf(KeyA));

        var restarted = Open(o => o.Journal.Enabled = false);

        Assert.Equal(a, await File.ReadAllBytesAsync(restarted.Diagnostics.PathOf(KeyA)));
        Assert.Equal((0, 0), restarted.Diagnostics.JournalStatistics);
    }

    [Fact]
    public async Task GivenCheckpointedObject_WhenTheProcessDies_ThenNothingIsReplayed()
    {
        var store = Open();
        await PutAsync(store, KeyA, RandomNumberGenerator.GetBytes(10_000));
        store.Diagnostics.Checkpoint();
        store.Diagnostics.SimulateCrash();
        File.Delete(store.Diagnostics.PathOf(KeyA)); // deleted behind the store's back after it was durable: the journal must not resurrect it

        var restarted = Open();

        Assert.False(File.Exists(restarted.Diagnostics.PathOf(KeyA)));
    }

    [Fact]
    public async Task GivenAnObjectLargerThanItsUploadBufferButWithinTheJournal_WhenItsFileIsLostInACrash_ThenTheRestartRewritesIt()
    {
        // The upload hashes SHA-256 only when the object ends in its first buffer; here the store reads it back for
        // the journal's record, and the replay (which checks that SHA-256) proves it right.
        static void Configure(FileSystemStoreOptions o) => o.UploadBufferSize = 16 * 1024;
        var store = Open(Configure);
        var content = RandomNumberGenerator.GetBytes(100_000);
        await PutAsync(store, KeyA, content);
        Assert.Equal(0, store.Diagnostics.CommitStatistics.Commits); // it went through the journal
        store.Diagnostics.SimulateCrash();
        File.Delete(store.Diagnostics.PathOf(KeyA));

        var restarted = Open(Configure);

        Assert.Equal(content, await File.ReadAllBytesAsync(restarted.Diagnostics.PathOf(KeyA)));
    }

    [Fact]
    public async Task GivenJournaledVersionThenALargerDirectVersion_WhenTheProcessDies_ThenTheNewerVersionSurvives()
    {
        var store = Open(o => o.Journal.MaxObjectBytes = 64 * 1024);
        await PutAsync(store, KeyA, RandomNumberGenerator.GetBytes(1_000));
        var large = RandomNumberGenerator.GetBytes(200_000);
        await PutAsync(store, KeyA, large);
        Assert.Equal(1, store.Diagnostics.CommitStatistics.Commits);
        store.Diagnostics.SimulateCrash();

        var restarted = Open(o => o.Journal.MaxObjectBytes = 64 * 1024);

        Assert.Equal(large, await File.ReadAllBytesAsync(restarted.Diagnostics.PathOf(KeyA)));
    }

    [Fact]
    public async Task GivenAJournalEndingWithADeleteRecord_WhenRecovering_ThenTheStoreRefusesToOpenAndTouchesNothing()
    {
        // Versions whose store could delete wrote such a record; replaying around it would bring the object back.
        var store = Open();
        var a = RandomNumberGenerator.GetBytes(1_000);
        var b = RandomNumberGenerator.GetBytes(1_000);
        await PutAsync(store, KeyA, a);
        await PutAsync(store, KeyB, b);
        store.Diagnostics.SimulateCrash();
        File.Delete(store.Diagnostics.PathOf(KeyA));
        File.Delete(store.Diagnostics.PathOf(KeyB));
        var segment = Directory.EnumerateFiles(Path.Combine(store.Diagnostics.Root, InstanceJournal.FolderName)).Single();
        await using (var file = new FileStream(segment, FileMode.Open, FileAccess.ReadWrite))
        {
            var header = new byte[JournalFormat.SegmentHeaderSize];
            file.ReadExactly(header);
            var epoch = JournalFormat.DecodeSegmentEpoch(header)!;
            file.Position = JournalFormat.SegmentHeaderSize + JournalFormat.RecordSize(KeyA, a.Length) + JournalFormat.RecordSize(KeyB, b.Length);
            file.Write(JournalFormat.EncodeRecordHeader(epoch, 3, JournalRecordType.Delete, KeyA, 0, new byte[32]));
        }

        var refused = Assert.Throws<IOException>(() => Open());

        Assert.Contains($"delete of '{KeyA}'", refused.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(store.Diagnostics.PathOf(KeyA)));
        Assert.False(File.Exists(store.Diagnostics.PathOf(KeyB))); // nothing was replayed before the refusal
    }

    [Fact]
    public async Task GivenADamagedRecord_WhenRecovering_ThenItIsSkippedAndTheRecordsAfterItAreReplayed()
    {
        var store = Open();
        var a = RandomNumberGenerator.GetBytes(20_000);
        var b = RandomNumberGenerator.GetBytes(20_000);
        await PutAsync(store, KeyA, a);
        await PutAsync(store, KeyB, b);
        store.Diagnostics.SimulateCrash();
        File.Delete(store.Diagnostics.PathOf(KeyA));
        File.Delete(store.Diagnostics.PathOf(KeyB));
        // A's payload is damaged in the journal (as a write torn by a power cut would leave it).
        var segment = Directory.EnumerateFiles(Path.Combine(store.Diagnostics.Root, InstanceJournal.FolderName)).Single();
        await using (var file = new FileStream(segment, FileMode.Open, FileAccess.ReadWrite))
        {
            var firstPayloadByte = FindFirst(file, a.AsSpan(0, 64).ToArray());
            file.Position = firstPayloadByte + 10_000;
            file.WriteByte((byte)(a[10_000] ^ 0xFF));
        }

        var restarted = Open();

        Assert.False(File.Exists(restarted.Diagnostics.PathOf(KeyA)));
        Assert.Equal(b, await File.ReadAllBytesAsync(restarted.Diagnostics.PathOf(KeyB)));
    }

    [Fact]
    public async Task GivenManyConcurrentSmallCommits_WhenFlushed_ThenTheJournalFlushesAreShared()
    {
        // A slow disk (20 ms per flush, then the real fdatasync): commits arriving during one flush share the next.
        var store = Open();
        store.Diagnostics.OverrideJournalFlush(handle =>
        {
            Thread.Sleep(20);
            NativeFileOperations.FlushData(handle);
        });
        const int count = 64;
        var tasks = Enumerable.Range(0, count).Select(async i =>
        {
            await Task.Yield();
            await PutAsync(store, $"dicom/2026/11/28/01JDQ5ZJ3K8X9F7N2B4C6D8E{i % 4}G/1.2.{i}.dcm", BitConverter.GetBytes(i));
        }).ToArray();
        await Task.WhenAll(tasks);

        for (var i = 0; i < count; i++)
        {
            Assert.Equal(BitConverter.GetBytes(i), await File.ReadAllBytesAsync(store.Diagnostics.PathOf($"dicom/2026/11/28/01JDQ5ZJ3K8X9F7N2B4C6D8E{i % 4}G/1.2.{i}.dcm")));
        }

        // How many share depends on how the thread pool runs the writers on a loaded machine; that some do does not.
        var flushes = store.Diagnostics.JournalStatistics.Flushes;
        Assert.True(flushes >= 1 && flushes < count, $"{count} concurrent commits took {flushes} journal flushes: none was shared");
    }

    [Fact]
    public async Task GivenMoreDataThanTheJournalHolds_WhenCommitting_ThenCheckpointsFreeSegmentsAndEverythingLands()
    {
        var store = Open(o =>
        {
            o.Journal.SegmentBytes = 1024 * 1024;
            o.Journal.MaxSegments = 2;
            o.Journal.MaxObjectBytes = 256 * 1024;
        });
        var contents = Enumerable.Range(0, 40).Select(_ => RandomNumberGenerator.GetBytes(100_000)).ToArray();
        for (var i = 0; i < contents.Length; i++)
        {
            await PutAsync(store, $"dicom/2026/11/28/01JDQ5ZJ3K8X9F7N2B4C6D8E0G/1.2.{i}.dcm", contents[i]);
        }

        // 4 MB cannot pass through 2 MiB of segments without a checkpoint freeing them. How many checkpoints it takes
        // depends on timing (a slow checkpoint frees both sealed segments at once), so only "at least one" is certain.
        Assert.True(store.Diagnostics.JournalStatistics.Checkpoints >= 1, "4 MB went through a 2 MiB journal without a checkpoint");
        Assert.Equal(0, store.Diagnostics.CommitStatistics.Commits); // every one went through the journal, none around it
        Assert.Equal(2, Directory.EnumerateFiles(Path.Combine(store.Diagnostics.Root, InstanceJournal.FolderName)).Count());
        for (var i = 0; i < contents.Length; i++)
        {
            Assert.Equal(contents[i], await File.ReadAllBytesAsync(store.Diagnostics.PathOf($"dicom/2026/11/28/01JDQ5ZJ3K8X9F7N2B4C6D8E0G/1.2.{i}.dcm")));
        }
    }

    [Fact]
    public async Task GivenIdleJournal_WhenTheIdleDelayPasses_ThenItIsCheckpointedWithoutBeingFull()
    {
        var store = Open(o => o.Journal.IdleCheckpointDelay = TimeSpan.FromMilliseconds(100));
        await PutAsync(store, KeyA, RandomNumberGenerator.GetBytes(1_000));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (store.Diagnostics.JournalStatistics.Checkpoints == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(1, store.Diagnostics.JournalStatistics.Checkpoints);
    }

    [Fact]
    public async Task GivenARootInUse_WhenAnotherStoreOpensIt_ThenItOnlyReadsAndLeavesTheUploadsInProgressAlone()
    {
        var store = Open();
        await PutAsync(store, KeyA, [1, 2, 3]);
        await using var inProgress = await store.BeginPutAsync(KeyB, default);
        await inProgress.Content.WriteAsync(new byte[10]);
        await inProgress.Content.FlushAsync();

        using var second = new FileSystemInstanceStore(new FileSystemStoreOptions { RootDirectory = store.Diagnostics.Root });

        Assert.False(second.Diagnostics.IsWritable);
        Assert.Single(IncomingFiles.Written(store.Diagnostics.IncomingDirectory));
        Assert.Equal(3, (await second.GetInfoAsync(KeyA, default))!.Size);
        var refused = await Assert.ThrowsAsync<IOException>(() => second.BeginPutAsync(KeyA, default));
        Assert.Contains("in use by another process", refused.Message, StringComparison.Ordinal);
        await inProgress.Content.WriteAsync(new byte[5]);
        Assert.Equal(15, (await inProgress.CommitAsync(default)).Size);
    }

    [Theory]
    [InlineData(512 * 1024L, 8, 256 * 1024L, "SegmentBytes")]
    [InlineData(4 * 1024 * 1024L, 1, 256 * 1024L, "MaxSegments")]
    [InlineData(4 * 1024 * 1024L, 8, 4 * 1024 * 1024L, "MaxObjectBytes")]
    public void GivenJournalSettingsThatCannotWork_WhenOpening_ThenTheErrorNamesTheSetting(long segmentBytes, int maxSegments, long maxObjectBytes, string setting)
    {
        var error = Assert.Throws<ArgumentException>(() => Open(o =>
        {
            o.Journal.SegmentBytes = segmentBytes;
            o.Journal.MaxSegments = maxSegments;
            o.Journal.MaxObjectBytes = maxObjectBytes;
        }));

        Assert.Contains("Journal:" + setting, error.Message, StringComparison.Ordinal);
    }

    private FileSystemInstanceStore Open(Action<FileSystemStoreOptions>? configure = null)
    {
        var options = new FileSystemStoreOptions { RootDirectory = _temp.Combine("root") };
        configure?.Invoke(options);
        var store = new FileSystemInstanceStore(options);
        _stores.Add(store);
        return store;
    }

    private static async Task<Application.Common.Ports.StoredObjectInfo> PutAsync(FileSystemInstanceStore store, string key, byte[] content)
    {
        await using var upload = await store.BeginPutAsync(key, default);
        await upload.Content.WriteAsync(content);
        return await upload.CommitAsync(default);
    }

    private static long FindFirst(FileStream file, byte[] pattern)
    {
        var all = new byte[file.Length];
        file.Position = 0;
        file.ReadExactly(all);
        var at = all.AsSpan().IndexOf(pattern);
        Assert.True(at >= 0, "the payload is not in the journal segment");
        return at;
    }
}
