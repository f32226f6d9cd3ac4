using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Infrastructure.Local.FileSystem;
using ImagingGateway.Infrastructure.Local.Tests.TestSupport;

namespace ImagingGateway.Infrastructure.Local.Tests.FileSystem;

public sealed class FileSystemInstanceStoreTests : IDisposable
{
    private const string Key = "dicom/2026/11/28/01JDQ5ZJ3K8X9F7N2B4C6D8E0G/1.2.3.4.dcm";
    private readonly TempDirectory _temp = new();
    private readonly ObjectCreatedNotifications _notifications = new();
    private readonly FileSystemInstanceStore _store;

    public FileSystemInstanceStoreTests()
    {
        _store = new FileSystemInstanceStore(new FileSystemStoreOptions { RootDirectory = _temp.Combine("root") }, _notifications);
    }

    public void Dispose()
    {
        _store.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task GivenUploadWritten_WhenDisposedWithoutCommit_ThenNothingRemainsAnywhere()
    {
        var upload = await _store.BeginPutAsync(Key, default);
        await upload.Content.WriteAsync(new byte[300_000]);
        await upload.DisposeAsync();

        Assert.Null(await _store.GetInfoAsync(Key, default));
        // Only the store's own housekeeping remains: its lock file and its (empty) journal.
        var housekeeping = new[] { Path.Combine(_store.Diagnostics.Root, FileSystemStoreRoot.LockFileName), Path.Combine(_store.Diagnostics.Root, ".journal") };
        var files = Directory.EnumerateFiles(_store.Diagnostics.Root, "*", SearchOption.AllDirectories).ToList();
        Assert.DoesNotContain(files, f => !housekeeping.Any(h => f == h || f.StartsWith(h + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            && !(Path.GetDirectoryName(f) == _store.Diagnostics.UploadDirectory && new FileInfo(f).Length == 0)); // prepared temp files are empty
        Assert.Empty(IncomingFiles.Written(_store.Diagnostics.IncomingDirectory));
    }

    [Fact]
    public async Task GivenUploadWritten_WhenCommitted_ThenObjectIsVisibleWithItsSizeAndChecksum()
    {
        var content = RandomNumberGenerator.GetBytes(2_700_001);
        StoredObjectInfo info;
        await using (var upload = await _store.BeginPutAsync(Key, default))
        {
            // Uneven writes cross the buffer boundaries (1 MiB).
            await upload.Content.WriteAsync(content.AsMemory(0, 12345));
            await upload.Content.WriteAsync(content.AsMemory(12345, 1_300_000));
            upload.Content.Write(content.AsSpan(1_312_345));
            info = await upload.CommitAsync(default);
        }

        Assert.Equal(content.Length, info.Size);
        Assert.Equal("xxh3:" + Convert.ToHexStringLower(XxHash3.Hash(content)), info.Checksum);
        Assert.Equal(content, await File.ReadAllBytesAsync(_store.Diagnostics.PathOf(Key)));
        Assert.Equal(content.Length, (await _store.GetInfoAsync(Key, default))!.Size);
        Assert.Empty(IncomingFiles.Written(_store.Diagnostics.IncomingDirectory));
    }

    [Fact]
    public async Task GivenCommittedUpload_WhenWritingMore_ThenItIsRefused()
    {
        await using var upload = await _store.BeginPutAsync(Key, default);
        await upload.CommitAsync(default);

        await Assert.ThrowsAsync<InvalidOperationException>(() => upload.Content.WriteAsync(new byte[1]).AsTask());
        await Assert.ThrowsAsync<InvalidOperationException>(() => upload.CommitAsync(default));
    }

    [Theory]
    [InlineData("../escape.dcm")]
    [InlineData("/tmp/escape.dcm")]
    [InlineData("dicom\\..\\..\\escape.dcm")]
    [InlineData(".incoming/x.tmp")]
    public async Task GivenHostileKey_WhenPutting_ThenItIsRejectedAndNothingIsWritten(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _store.BeginPutAsync(key, default));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.OpenReadAsync(key, null, default));
        Assert.False(File.Exists(_temp.Combine("escape.dcm")));
    }

    [Fact]
    public async Task GivenManyConcurrentCommitsWithoutJournal_WhenFlushed_ThenAllLandAndFsyncsAreShared()
    {
        using var store = new FileSystemInstanceStore(new FileSystemStoreOptions { RootDirectory = _temp.Combine("no-journal"), Journal = { Enabled = false } });
        const int count = 64;
        var keys = Enumerable.Range(0, count).Select(i => $"dicom/2026/11/28/01JDQ5ZJ3K8X9F7N2B4C6D8E{i % 4}G/1.2.{i}.dcm").ToArray();
        // One thread per commit, not thread-pool tasks: on two busy cores the pool may run the tasks one after another,
        // and commits that never overlap have nothing to share.
        using var start = new ManualResetEventSlim();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = keys.Select(key => new Thread(() =>
        {
            try
            {
                start.Wait();
                PutAsync(store, key, key).GetAwaiter().GetResult();
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        start.Set();
        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.Empty(failures);

        foreach (var key in keys)
        {
            Assert.Equal(key, await ReadTextAsync(store, key));
        }

        var (commits, groups) = store.Diagnostics.CommitStatistics;
        Assert.Equal(count, commits);
        Assert.True(groups < count, $"{count} concurrent commits took {groups} groups: no fsync was shared");
    }

    [Fact]
    public async Task GivenOneCommitAtATimeWithoutJournal_WhenCommitting_ThenEachCompletesOnTheCallersThreadInItsOwnGroup()
    {
        using var store = new FileSystemInstanceStore(new FileSystemStoreOptions { RootDirectory = _temp.Combine("uncontended"), Journal = { Enabled = false } });
        const int count = 5;
        for (var i = 0; i < count; i++)
        {
            var key = $"dicom/2026/11/28/01JDQ5ZJ3K8X9F7N2B4C6D8E0G/1.2.{i}.dcm";
            await using var upload = await store.BeginPutAsync(key, default);
            await upload.Content.WriteAsync(Encoding.ASCII.GetBytes(key));
            var commit = upload.CommitAsync(default);

            // Nothing else was committing, so the fsyncs and the rename ran before CommitAsync returned.
            Assert.True(commit.IsCompletedSuccessfully, $"commit {i} was handed to the pipeline although nothing else was committing");
            Assert.Equal(key, (await commit).Key);
            Assert.Equal(key, await ReadTextAsync(store, key));
            Assert.Empty(IncomingFiles.Written(_temp.Combine("uncontended", ".incoming")));
        }

        Assert.Equal((count, count), store.Diagnostics.CommitStatistics);
    }

    [Theory]
    [InlineData("ext4", true, true, true)]
    [InlineData("ext4", false, false, false)] // a store that never fsyncs keeps its (dirty) pages
    [InlineData("tmpfs", true, false, false)] // tmpfs's pages are the file: nothing can drop them
    [InlineData("overlay", true, false, true)] // no dropping on the way (WriteBehind), but after the fsync it works
    public async Task GivenALargeObject_WhenCommitted_ThenADurableStoreLeavesNoneOfItInThePageCacheWhereTheFileSystemAllows(string fileSystem, bool durable, bool releasesRanges, bool dropped)
    {
        // A durable store drops a file's pages once fsynced (they are clean then, so at no I/O cost).
        using var mounted = MountedFileSystem.Of(fileSystem);
        using var store = new FileSystemInstanceStore(new FileSystemStoreOptions { RootDirectory = mounted.Combine("root"), Durable = durable });
        var data = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 5);
        await using (var upload = await store.BeginPutAsync(Key, default))
        {
            await upload.Content.WriteAsync(data);
            await upload.CommitAsync(default);
        }

        var path = Path.Combine(store.Diagnostics.Root, Key);
        var resident = PageCache.ResidentBytes(path);
        Assert.Equal(releasesRanges, store.Diagnostics.ReleasesWrittenRanges);
        if (dropped)
        {
            Assert.Equal(0, resident);
        }
        else
        {
            Assert.True(resident > data.Length / 2, $"only {resident} of {data.Length} bytes stayed cached (durable: {durable}, {fileSystem})");
        }

        Assert.Equal(data, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task GivenPreparedTempFiles_WhenUploadsBegin_ThenEachTakesAReadyEmptyFileAndThePoolIsRefilled()
    {
        var store = new FileSystemInstanceStore(new FileSystemStoreOptions { RootDirectory = _temp.Combine("prepared"), PreparedTempFiles = 3 });
        await WaitForPreparedFilesAsync(store, 3);
        Assert.All(Directory.GetFiles(store.Diagnostics.UploadDirectory), f => Assert.Equal(0, new FileInfo(f).Length));

        // Twice the pool's size: the later uploads can only find a ready file if the pool was refilled meanwhile.
        for (var i = 0; i < 6; i++)
        {
            await WaitForPreparedFilesAsync(store, 1);
            var ready = Directory.GetFiles(store.Diagnostics.UploadDirectory).ToHashSet(StringComparer.Ordinal);
            var key = $"dicom/2026/11/28/01JDQ5ZJ3K8X9F7N2B4C6D8E0G/1.2.{i}.dcm";
            await using var upload = await store.BeginPutAsync(key, default);
            var tempPath = FileSystemStoreDiagnostics.TempPathOf(upload);
            Assert.True(ready.Contains(tempPath), $"upload {i} created {tempPath} although prepared files were ready");
            await upload.Content.WriteAsync(Encoding.ASCII.GetBytes(key));
            await upload.CommitAsync(default);
            Assert.Equal(key, await ReadTextAsync(store, key));
            Assert.False(File.Exists(tempPath));
        }

        Assert.Empty(IncomingFiles.Written(store.Diagnostics.IncomingDirectory));

        // Disposed twice (the host's container and its owner both do): the second time is a no-op.
        store.Dispose();
        store.Dispose();
    }

    [Theory]
    [InlineData("ext4", true, true)]
    [InlineData("ext4", false, false)]
    [InlineData("tmpfs", true, false)] // tmpfs has no such attribute: the store goes on without it
    public void GivenANewRoot_WhenTheStoreCreatesIt_ThenItMarksTheRootAsATopDirectoryOnlyWhenAskedOnAFileSystemThatHasTheAttribute(string fileSystem, bool mark, bool expected)
    {
        using var mounted = MountedFileSystem.Of(fileSystem);

        using var store = new FileSystemInstanceStore(new FileSystemStoreOptions { RootDirectory = mounted.Combine("store", "root"), MarkRootAsTopDirectory = mark });

        Assert.Equal(expected, store.Diagnostics.RootMarkedAsTopDirectory);
        Assert.Equal(expected, Lsattr.ShowsTopDirectory(store.Diagnostics.Root));
        Assert.Equal(expected, store.Diagnostics.IncomingMarkedAsTopDirectory);
        Assert.Equal(expected, Lsattr.ShowsTopDirectory(store.Diagnostics.IncomingDirectory));
        Assert.False(Lsattr.ShowsTopDirectory(store.Diagnostics.UploadDirectory)); // the marked folders' children are placed by the hint
    }

    [Fact]
    public void GivenAnExistingRootOnExt4_WhenOpenedAgainWithTheMarkOn_ThenItsAttributesAreLeftAlone()
    {
        using var ext4 = MountedFileSystem.Ext4();
        var root = ext4.Combine("existing");
        new FileSystemInstanceStore(new FileSystemStoreOptions { RootDirectory = root, MarkRootAsTopDirectory = false }).Dispose();

        using var reopened = new FileSystemInstanceStore(new FileSystemStoreOptions { RootDirectory = root, MarkRootAsTopDirectory = true });

        Assert.False(reopened.Diagnostics.RootMarkedAsTopDirectory);
        Assert.False(Lsattr.ShowsTopDirectory(root));
        Assert.True(reopened.Diagnostics.IncomingMarkedAsTopDirectory); // the store's own folder is marked whoever created the root
        Assert.True(Lsattr.ShowsTopDirectory(reopened.Diagnostics.IncomingDirectory));
    }

    [Fact]
    public async Task GivenARunThatLeftAPartialUpload_WhenTheStoreStartsAgain_ThenItUploadsIntoANewFolderAndTheOldOneIsGone()
    {
        var root = _temp.Combine("restarted");
        string firstFolder;
        using (var first = new FileSystemInstanceStore(new FileSystemStoreOptions { RootDirectory = root, PreparedTempFiles = 2 }))
        {
            firstFolder = first.Diagnostics.UploadDirectory;
            var upload = await first.BeginPutAsync(Key, default);
            await upload.Content.WriteAsync(new byte[] { 1, 2, 3 });
            await upload.Content.FlushAsync();
            Assert.Single(IncomingFiles.Written(first.Diagnostics.IncomingDirectory)); // never committed nor disposed: a crash's leftover
        }

        // Where older versions left their temp files: directly in .incoming/.
        var legacy = Path.Combine(root, FileSystemStoreRoot.IncomingFolder, "old-1.tmp");
        await File.WriteAllBytesAsync(legacy, [4, 5]);

        using var second = new FileSystemInstanceStore(new FileSystemStoreOptions { RootDirectory = root, PreparedTempFiles = 2 });

        Assert.NotEqual(firstFolder, second.Diagnostics.UploadDirectory);
        Assert.Equal(second.Diagnostics.IncomingDirectory, Path.GetDirectoryName(second.Diagnostics.UploadDirectory));
        Assert.False(Directory.Exists(firstFolder));
        Assert.False(File.Exists(legacy));
        Assert.Empty(IncomingFiles.Written(second.Diagnostics.IncomingDirectory));
        Assert.Equal([second.Diagnostics.UploadDirectory], Directory.GetDirectories(second.Diagnostics.IncomingDirectory));
        await using var upload2 = await second.BeginPutAsync(Key, default);
        Assert.Equal(second.Diagnostics.UploadDirectory, Path.GetDirectoryName(FileSystemStoreDiagnostics.TempPathOf(upload2)));
    }

    [Fact]
    public async Task GivenPreparedTempFilesTurnedOff_WhenUploading_ThenEachUploadCreatesItsOwnFile()
    {
        using var store = new FileSystemInstanceStore(new FileSystemStoreOptions { RootDirectory = _temp.Combine("unprepared"), PreparedTempFiles = 0 });
        Assert.Empty(Directory.GetFiles(store.Diagnostics.UploadDirectory));
        await using var upload = await store.BeginPutAsync(Key, default);
        Assert.Equal([FileSystemStoreDiagnostics.TempPathOf(upload)], Directory.GetFiles(store.Diagnostics.UploadDirectory));
        await upload.Content.WriteAsync(new byte[] { 1, 2, 3 });
        await upload.CommitAsync(default);

        Assert.Equal(0, store.Diagnostics.PreparedTempFiles);
        Assert.Empty(Directory.GetFiles(store.Diagnostics.UploadDirectory));
    }

    [Fact]
    public async Task GivenStaleTempFilesFromACrash_WhenStoreStarts_ThenTheyAreRemoved()
    {
        var upload = await _store.BeginPutAsync(Key, default);
        await upload.Content.WriteAsync(new byte[10]);
        await upload.Content.FlushAsync();
        // The process "dies" here: the upload is never committed nor disposed.
        Assert.Single(IncomingFiles.Written(_store.Diagnostics.IncomingDirectory));
        _store.Diagnostics.SimulateCrash();

        using var restarted = new FileSystemInstanceStore(new FileSystemStoreOptions { RootDirectory = _store.Diagnostics.Root });

        Assert.Empty(IncomingFiles.Written(restarted.Diagnostics.IncomingDirectory));
        Assert.Null(await restarted.GetInfoAsync(Key, default));
        await upload.DisposeAsync();
    }

    [Fact]
    public async Task GivenManifestAndInstance_WhenCommitted_ThenOnlyTheManifestRaisesAnEvent()
    {
        await PutAsync(Key, "instance");
        await PutAsync("batches/01JDQ5ZJ3K8X9F7N2B4C6D8E0G.json", "{}");

        Assert.True(_notifications.Reader.TryRead(out var created));
        Assert.Equal("batches/01JDQ5ZJ3K8X9F7N2B4C6D8E0G.json", created.Key);
        Assert.Equal(2, created.Size);
        Assert.False(_notifications.Reader.TryRead(out _));
    }

    [Fact]
    public void GivenKeyOrPrefix_WhenAskingItsLocation_ThenItIsAFileUriUnderTheRoot()
    {
        var prefix = _store.LocationOf("dicom/2026/");
        var key = _store.LocationOf(Key);

        Assert.StartsWith("file:///", prefix, StringComparison.Ordinal);
        Assert.EndsWith("/dicom/2026/", prefix, StringComparison.Ordinal);
        Assert.Equal(_store.Diagnostics.PathOf(Key), new Uri(key).LocalPath);
    }

    private Task<StoredObjectInfo> PutAsync(string key, string text) => PutAsync(_store, key, text);

    private static async Task<StoredObjectInfo> PutAsync(FileSystemInstanceStore store, string key, string text)
    {
        await using var upload = await store.BeginPutAsync(key, default);
        await upload.Content.WriteAsync(Encoding.UTF8.GetBytes(text));
        return await upload.CommitAsync(default);
    }

    private static async Task<string> ReadTextAsync(FileSystemInstanceStore store, string key)
    {
        await using var stream = await store.OpenReadAsync(key, null, default);
        Assert.NotNull(stream);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    private static async Task WaitForPreparedFilesAsync(FileSystemInstanceStore store, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (store.Diagnostics.PreparedTempFiles < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {store.Diagnostics.PreparedTempFiles} of {count} temp files were prepared after 10 s");
            await Task.Delay(10);
        }
    }
}
