using System.IO.Hashing;
using System.Security.Cryptography;
using ImagingGateway.Infrastructure.Local.FileSystem;
using ImagingGateway.Infrastructure.Local.Tests.TestSupport;

namespace ImagingGateway.Infrastructure.Local.Tests.FileSystem;

/// <summary>The upload's double-buffered writes: order, size and checksum exact whatever the pieces; failures not lost.</summary>
public sealed class UploadStreamTests : IDisposable
{
    private const int BufferSize = 4096;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(BufferSize)]
    [InlineData(BufferSize + 1)]
    [InlineData(3 * BufferSize)]
    [InlineData(0)] // random piece sizes
    public async Task GivenManyBuffersWrittenAsynchronouslyInPieces_WhenCompleted_ThenTheFileAndItsChecksumAreExact(int pieceSize)
    {
        var data = RandomNumberGenerator.GetBytes(25 * BufferSize + 123);
        var path = _temp.Combine($"upload-{pieceSize}.tmp");
        var random = new Random(pieceSize);
        (long Size, string Checksum, byte[]? Sha256) result;
        using (var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite))
        using (var upload = new UploadStream(handle, BufferSize))
        {
            for (var offset = 0; offset < data.Length;)
            {
                var n = Math.Min(data.Length - offset, pieceSize == 0 ? random.Next(1, 3 * BufferSize) : pieceSize);
                await upload.WriteAsync(data.AsMemory(offset, n));
                offset += n;
                Assert.Equal(offset, upload.Length);
            }

            await upload.FlushAsync();
            result = await upload.CompleteAsync();
        }

        Assert.Equal(data.Length, result.Size);
        Assert.Equal(Xxh3Of(data), result.Checksum);
        Assert.Null(result.Sha256); // no journal threshold: no SHA-256
        Assert.Equal(data, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task GivenSynchronousAndAsynchronousWritesMixed_WhenCompleted_ThenTheBytesStayInOrder()
    {
        var data = RandomNumberGenerator.GetBytes(10 * BufferSize + 7);
        var path = _temp.Combine("mixed.tmp");
        using (var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite))
        using (var upload = new UploadStream(handle, BufferSize))
        {
            var half = data.Length / 2;
            await upload.WriteAsync(data.AsMemory(0, half));
            upload.Write(data.AsSpan(half, 1000));
            await upload.WriteAsync(data.AsMemory(half + 1000));
            Assert.Equal(Xxh3Of(data), (await upload.CompleteAsync()).Checksum);
        }

        Assert.Equal(data, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task GivenAFileThatRefusesWrites_WhenBuffersAreHandedOff_ThenTheFailureSurfacesAndNothingIsCompleted()
    {
        var path = _temp.Combine("read-only.tmp");
        await File.WriteAllBytesAsync(path, []);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        using var upload = new UploadStream(handle, BufferSize);

        // The first full buffer is written in the background; its failure comes out of a later write or the completion.
        var failure = await Record.ExceptionAsync(async () =>
        {
            for (var i = 0; i < 4; i++)
            {
                await upload.WriteAsync(new byte[BufferSize]);
            }

            await upload.CompleteAsync();
        });

        Assert.True(failure is IOException or UnauthorizedAccessException, $"expected the write's failure, got {failure?.GetType().Name ?? "nothing"}");
        Assert.Equal(0, new FileInfo(path).Length);
    }

    [Theory]
    [InlineData("ext4", true, true)]
    [InlineData("ext4", false, false)]
    [InlineData("tmpfs", true, false)] // tmpfs's pages are the file: nothing can drop them
    [InlineData("overlay", true, false)] // sync_file_range reaches only the overlay file's own, empty, mapping
    public async Task GivenALargeUpload_WhenWritten_ThenOnlyAReleasingOneOnADiskFileSystemLetsItsWrittenPagesLeaveTheCache(string fileSystem, bool releaseWritten, bool released)
    {
        const int bufferSize = 64 * 1024;
        using var mounted = MountedFileSystem.Of(fileSystem);

        // The probe the store runs at start-up agrees with what the upload below measures.
        Assert.Equal(fileSystem == "ext4", WriteBehind.ReleasesRanges(mounted.Path));
        var data = RandomNumberGenerator.GetBytes(64 * bufferSize);
        var path = mounted.Combine("large.tmp");
        using var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite);
        using var upload = new UploadStream(handle, bufferSize, writeBehindFrom: 0, releaseWritten);
        for (var offset = 0; offset < data.Length; offset += 10_000)
        {
            await upload.WriteAsync(data.AsMemory(offset, Math.Min(10_000, data.Length - offset)));
        }

        await upload.FlushAsync();
        var resident = PageCache.ResidentBytes(path);
        if (released)
        {
            // Everything but the last buffer or two was written back and dropped while the upload went on.
            Assert.InRange(resident, 0, 2 * bufferSize + Environment.SystemPageSize);
        }
        else
        {
            Assert.True(data.Length == resident, $"{resident} of {data.Length} bytes stayed cached (release asked: {releaseWritten}, {fileSystem})");
        }

        Assert.Equal(Xxh3Of(data), (await upload.CompleteAsync()).Checksum);
        Assert.Equal(data, await File.ReadAllBytesAsync(path));
    }

    [Theory]
    [InlineData(0, "xxh3:2d06800538d394c2")]
    [InlineData(300_000, "xxh3:72b19f629d50046a")]
    public async Task GivenKnownContent_WhenCompleted_ThenTheChecksumIsTheOneXxhsumPrints(int length, string expected)
    {
        // The expected values are what `xxhsum -H3` (the xxHash project's own tool) printed for these bytes.
        var data = new byte[length];
        for (var i = 0; i < length; i++)
        {
            data[i] = (byte)(i * 31 % 251);
        }

        using var handle = File.OpenHandle(_temp.Combine($"known-{length}.tmp"), FileMode.CreateNew, FileAccess.ReadWrite);
        using var upload = new UploadStream(handle, BufferSize);
        await upload.WriteAsync(data);

        Assert.Equal(expected, (await upload.CompleteAsync()).Checksum);
    }

    [Theory]
    [InlineData(0, 3 * BufferSize)]
    [InlineData(1000, 3 * BufferSize)]
    [InlineData(BufferSize - 1, 3 * BufferSize)]
    [InlineData(BufferSize + 1, 3 * BufferSize)] // within the threshold, but past the first buffer: the journal hashes it
    [InlineData(7 * BufferSize, 3 * BufferSize)]
    [InlineData(1000, 500)] // in one buffer, but past the threshold: it will not go through the journal
    [InlineData(1000, 0)] // no journal
    public async Task GivenAJournalThreshold_WhenCompleted_ThenTheSha256IsThereExactlyForUploadsInOneBufferWithinIt(int length, int threshold)
    {
        var data = RandomNumberGenerator.GetBytes(length);
        using var handle = File.OpenHandle(_temp.Combine($"journal-{length}-{threshold}.tmp"), FileMode.CreateNew, FileAccess.ReadWrite);
        using var upload = new UploadStream(handle, BufferSize, writeBehindFrom: threshold);
        for (var offset = 0; offset < length; offset += 1000)
        {
            await upload.WriteAsync(data.AsMemory(offset, Math.Min(1000, length - offset)));
        }

        var result = await upload.CompleteAsync();

        Assert.Equal(Xxh3Of(data), result.Checksum);
        if (length < BufferSize && length <= threshold)
        {
            Assert.Equal(SHA256.HashData(data), result.Sha256);
        }
        else
        {
            Assert.Null(result.Sha256);
        }
    }

    private static string Xxh3Of(byte[] data) => "xxh3:" + Convert.ToHexStringLower(XxHash3.Hash(data));
}
