using ImagingGateway.Application.Common.Ports;

namespace ImagingGateway.Tests.Contracts;

/// <summary>
/// What every <see cref="IInstanceStore"/> promises, run against each adapter: nothing is visible before its commit and
/// nothing of an upload disposed without one; a commit replaces an object whole and returns its size and checksum;
/// reads of a missing key are null, ranges read at most what they name, listing is by prefix in ordinal key order, a delete
/// removes one object and deleting a missing key is no error, a
/// prefix's location is a prefix of its keys' locations, and a failing storage surfaces as the port's exceptions.
/// Keys live below a folder of the test's own, so adapters that share a bucket across tests see no one else's.
/// </summary>
public abstract class InstanceStoreContract
{
    private readonly string _folder = $"dicom/2026/11/28/{Guid.NewGuid():N}/";

    /// <summary>A store of the adapter under test (the same one on every call within a test).</summary>
    protected abstract Task<IInstanceStore> CreateStoreAsync();

    /// <summary>A store of the adapter whose storage fails every write (disk, bucket).</summary>
    protected abstract Task<IInstanceStore> CreateFailingStoreAsync();

    /// <summary>The checksum the adapter gives <paramref name="content"/>, in <see cref="ObjectChecksum"/>'s form.</summary>
    protected abstract string ExpectedChecksum(byte[] content);

    [Fact]
    public async Task GivenAnUploadBeingWritten_WhenTheKeyIsRead_ThenItIsInvisibleUntilCommittedAndThenWhole()
    {
        var store = await CreateStoreAsync();
        var key = Key("1.2.3.dcm");
        var content = Content(300_000, seed: 1);

        await using var upload = await store.BeginPutAsync(key, CancellationToken.None);
        await upload.Content.WriteAsync(content.AsMemory(0, 1_000));
        await upload.Content.WriteAsync(content.AsMemory(1_000));
        await upload.Content.FlushAsync();

        Assert.Equal(key, upload.Key);
        Assert.Null(await store.OpenReadAsync(key, null, CancellationToken.None));
        Assert.Null(await store.GetInfoAsync(key, CancellationToken.None));
        Assert.Empty(await ListAsync(store, _folder));

        var committed = await upload.CommitAsync(CancellationToken.None);

        Assert.Equal(key, committed.Key);
        Assert.Equal(content.Length, committed.Size);
        Assert.Equal(ExpectedChecksum(content), committed.Checksum);
        Assert.Equal(content, await ReadAsync(store, key, null));
        Assert.Equal([key], (await ListAsync(store, _folder)).Select(o => o.Key));
    }

    [Fact]
    public async Task GivenAnUploadWritten_WhenDisposedWithoutCommit_ThenNothingOfItIsVisible()
    {
        var store = await CreateStoreAsync();
        var key = Key("abandoned.dcm");

        await using (var upload = await store.BeginPutAsync(key, CancellationToken.None))
        {
            await upload.Content.WriteAsync(Content(50_000, seed: 2));
        }

        Assert.Null(await store.OpenReadAsync(key, null, CancellationToken.None));
        Assert.Null(await store.GetInfoAsync(key, CancellationToken.None));
        Assert.Empty(await ListAsync(store, _folder));
    }

    [Fact]
    public async Task GivenACommittedUpload_WhenCommittedAgain_ThenItIsRefused()
    {
        var store = await CreateStoreAsync();
        await using var upload = await store.BeginPutAsync(Key("once.dcm"), CancellationToken.None);
        await upload.Content.WriteAsync(Content(10, seed: 3));
        await upload.CommitAsync(CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => upload.CommitAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GivenAnExistingObject_WhenTheKeyIsCommittedAgain_ThenTheNewContentReplacesItWholeAndOnlyAtTheCommit()
    {
        var store = await CreateStoreAsync();
        var key = Key("replaced.dcm");
        var first = Content(5_000, seed: 4);
        var second = Content(1_000, seed: 5);
        await PutAsync(store, key, first);

        await using (var abandoned = await store.BeginPutAsync(key, CancellationToken.None))
        {
            await abandoned.Content.WriteAsync(Content(7_000, seed: 6));
        }

        Assert.Equal(first, await ReadAsync(store, key, null));
        await using var upload = await store.BeginPutAsync(key, CancellationToken.None);
        await upload.Content.WriteAsync(second);
        Assert.Equal(first, await ReadAsync(store, key, null));
        await upload.CommitAsync(CancellationToken.None);

        Assert.Equal(second, await ReadAsync(store, key, null));
        Assert.Equal(second.Length, (await store.GetInfoAsync(key, CancellationToken.None))!.Size);
        Assert.Single(await ListAsync(store, _folder));
    }

    [Fact]
    public async Task GivenAnObject_WhenReadingRanges_ThenEachReadsAtMostTheBytesItNamesAndNothingPastTheEnd()
    {
        var store = await CreateStoreAsync();
        var key = Key("range.dcm");
        var content = Content(1_024, seed: 7);
        await PutAsync(store, key, content);

        Assert.Equal(content[132..232], await ReadAsync(store, key, new ByteRange(132, 100)));
        Assert.Equal(content[1_000..], await ReadAsync(store, key, new ByteRange(1_000, 100)));
        Assert.Equal(content, await ReadAsync(store, key, new ByteRange(0, 1_024)));
        Assert.Empty(await ReadAsync(store, key, new ByteRange(10, 0)));
        Assert.Empty(await ReadAsync(store, key, new ByteRange(1_024, 10)));
        Assert.Empty(await ReadAsync(store, key, new ByteRange(5_000, 10)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.OpenReadAsync(key, new ByteRange(-1, 10), CancellationToken.None));
        Assert.Null(await store.OpenReadAsync(Key("missing.dcm"), new ByteRange(0, 10), CancellationToken.None));
    }

    [Fact]
    public async Task GivenAnObject_WhenAskedForItsInfo_ThenItHasItsSizeARecentTimeAndNoChecksumOrTheCommittedOne()
    {
        var store = await CreateStoreAsync();
        var key = Key("info.dcm");
        var content = Content(2_000, seed: 8);
        var committed = await PutAsync(store, key, content);

        var info = await store.GetInfoAsync(key, CancellationToken.None);

        Assert.NotNull(info);
        Assert.Equal(key, info.Key);
        Assert.Equal(content.Length, info.Size);
        Assert.True(info.Checksum is null || info.Checksum == committed.Checksum, $"GetInfo's checksum {info.Checksum} is not the commit's {committed.Checksum}");
        Assert.True((info.LastModified - DateTimeOffset.UtcNow).Duration() < TimeSpan.FromMinutes(5), $"last modified {info.LastModified:O} is not about now");
    }

    [Fact]
    public async Task GivenAMissingKey_WhenReadOrAskedForItsInfoOrListed_ThenNullAndEmpty()
    {
        var store = await CreateStoreAsync();

        Assert.Null(await store.OpenReadAsync(Key("missing.dcm"), null, CancellationToken.None));
        Assert.Null(await store.GetInfoAsync(Key("missing.dcm"), CancellationToken.None));
        Assert.Empty(await ListAsync(store, _folder));
        Assert.Empty(await ListAsync(store, Key("nothing/")));
    }

    [Fact]
    public async Task GivenObjectsInSeveralFolders_WhenListingByPrefix_ThenEveryKeyStartingWithItComesInOrdinalOrder()
    {
        var store = await CreateStoreAsync();
        string[] names = ["a/1.dcm", "a.b/2.dcm", "a-c/3.dcm", "ab/4.dcm", "b.dcm", "a/0.dcm"];
        foreach (var name in names)
        {
            await PutAsync(store, Key(name), System.Text.Encoding.ASCII.GetBytes(name));
        }

        var sibling = _folder[..^1] + "-other/x.dcm";
        await PutAsync(store, sibling, [1]);

        var all = await ListAsync(store, _folder);
        Assert.Equal(names.Select(Key).Order(StringComparer.Ordinal), all.Select(o => o.Key));
        Assert.All(all, o => Assert.Equal(o.Key.Length - _folder.Length, o.Size));
        Assert.Equal([Key("a/0.dcm"), Key("a/1.dcm")], (await ListAsync(store, Key("a/"))).Select(o => o.Key));
        Assert.Equal(
            [Key("a-c/3.dcm"), Key("a.b/2.dcm"), Key("a/0.dcm"), Key("a/1.dcm"), Key("ab/4.dcm")],
            (await ListAsync(store, Key("a"))).Select(o => o.Key));
        Assert.Equal([sibling], (await ListAsync(store, _folder[..^1] + "-")).Select(o => o.Key));
    }

    [Fact]
    public async Task GivenAnObjectAndAMissingKey_WhenDeleted_ThenTheObjectIsGoneItsNeighbourStaysAndTheMissingOneIsNoError()
    {
        var store = await CreateStoreAsync();
        var key = Key("marker.json");
        var neighbour = Key("marker.json.keep");
        await PutAsync(store, key, [1, 2, 3]);
        await PutAsync(store, neighbour, [4]);

        await store.DeleteAsync(key, CancellationToken.None);
        await store.DeleteAsync(key, CancellationToken.None);
        await store.DeleteAsync(Key("never/written.json"), CancellationToken.None);

        Assert.Null(await store.GetInfoAsync(key, CancellationToken.None));
        Assert.Null(await store.OpenReadAsync(key, null, CancellationToken.None));
        Assert.Equal([neighbour], (await ListAsync(store, _folder)).Select(o => o.Key));
    }

    [Fact]
    public async Task GivenAKeyAndItsFolder_WhenLocated_ThenTheFoldersLocationIsAPrefixOfTheKeys()
    {
        var store = await CreateStoreAsync();
        var key = Key("1.2.3.dcm");

        var folder = store.LocationOf(_folder);
        var located = store.LocationOf(key);

        Assert.EndsWith(_folder, folder, StringComparison.Ordinal);
        Assert.EndsWith(key, located, StringComparison.Ordinal);
        Assert.StartsWith(folder, located, StringComparison.Ordinal);
        Assert.NotEqual(located, store.LocationOf(Key("1.2.4.dcm")));
    }

    [Fact]
    public async Task GivenAStorageThatFails_WhenAnInstanceIsStored_ThenTheFailureSurfacesAsTheStoresOwnException()
    {
        var store = await CreateFailingStoreAsync();
        var key = Key("failing.dcm");

        var error = await Record.ExceptionAsync(async () =>
        {
            await using var upload = await store.BeginPutAsync(key, CancellationToken.None);
            await upload.Content.WriteAsync(Content(10_000, seed: 9));
            await upload.CommitAsync(CancellationToken.None);
        });

        // StoreInstance answers exactly these with A700, so that the sender retries.
        Assert.True(
            error is IOException or UnauthorizedAccessException or TimeoutException,
            $"the store's failure surfaced as {error?.GetType().FullName ?? "nothing"}: {error}");
    }

    private string Key(string name) => _folder + name;

    private static byte[] Content(int length, int seed)
    {
        var content = new byte[length];
        new Random(seed).NextBytes(content);
        return content;
    }

    private static async Task<StoredObjectInfo> PutAsync(IInstanceStore store, string key, byte[] content)
    {
        await using var upload = await store.BeginPutAsync(key, CancellationToken.None);
        await upload.Content.WriteAsync(content);
        return await upload.CommitAsync(CancellationToken.None);
    }

    private static async Task<byte[]> ReadAsync(IInstanceStore store, string key, ByteRange? range)
    {
        await using var stream = await store.OpenReadAsync(key, range, CancellationToken.None);
        Assert.NotNull(stream);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static async Task<List<StoredObjectInfo>> ListAsync(IInstanceStore store, string prefix)
    {
        var items = new List<StoredObjectInfo>();
        await foreach (var item in store.ListAsync(prefix, CancellationToken.None))
        {
            items.Add(item);
        }

        return items;
    }
}
