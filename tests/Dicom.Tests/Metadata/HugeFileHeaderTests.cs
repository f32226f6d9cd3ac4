using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Metadata;
using ImagingGateway.Dicom.Reading;
using ImagingGateway.Dicom.Tests.TestSupport;

namespace ImagingGateway.Dicom.Tests.Metadata;

public class HugeFileHeaderTests
{
    /// <summary>Reading the header of a 2 GB file touches only the header (issue 3: bounded memory).</summary>
    [Fact]
    public async Task GivenTwoGigabyteFile_WhenHeaderReadFromStream_ThenOnlyTheFirstBlockIsRead()
    {
        var ct = Corpus.Read("CT_small.dcm");
        var meta = Part10Reader.ReadFileMeta(new ReadOnlySequence<byte>(ct), true);
        var header = InstanceHeaderReader.ReadFile(new ReadOnlySequence<byte>(ct), true).Header!;
        var prefix = new byte[header.EndOffset + 12];
        ct.AsSpan(0, (int)header.EndOffset).CopyTo(prefix);
        const uint pixelBytes = 0x7FFF_FFF0;
        var tail = prefix.AsSpan((int)header.EndOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(tail, 0x0010_7FE0);
        "OW"u8.CopyTo(tail[4..]);
        BinaryPrimitives.WriteUInt32LittleEndian(tail[8..], pixelBytes);
        await using var stream = new HugeStream(prefix, pixelBytes);

        var result = await InstanceHeaderReader.ReadFileAsync(stream);

        Assert.Equal(HeaderReadStatus.Completed, result.Status);
        Assert.True(result.Header!.HasPixelData);
        Assert.Equal(header.SopInstanceUid, result.Header.SopInstanceUid);
        Assert.True(stream.Length > 2_000_000_000);
        Assert.True(stream.BytesRead <= 16 * 1024, $"read {stream.BytesRead} bytes");
        Assert.Equal(meta.DataSetOffset, result.Meta!.DataSetOffset);
    }

    [Fact]
    public void GivenTwoGigabyteElementInAPrefix_WhenTokenizedIncrementally_ThenNeedMoreDataWithoutBuffering()
    {
        byte[] element = [0xE0, 0x7F, 0x10, 0x00, (byte)'O', (byte)'W', 0, 0, 0xF0, 0xFF, 0xFF, 0x7F, 1, 2, 3, 4];
        var visitor = new RecordingVisitor();
        var reader = new DataSetReader(true, true);

        var result = reader.Read(new ReadOnlySequence<byte>(element), false, ref visitor);

        Assert.Equal(DataSetReadStatus.NeedMoreData, result.Status);
        Assert.Equal(0, result.Consumed);
        Assert.Empty(visitor.Tokens);
    }

    /// <summary>
    /// A deflated file whose data set holds 100 MB of pixel data: its header is read inflating only the header, not
    /// the data set (allocations measured on this thread, which runs all of it since a MemoryStream reads synchronously).
    /// </summary>
    [Fact]
    public async Task GivenDeflatedFileWithHundredMegabytesOfPixelData_WhenHeaderReadFromStream_ThenOnlyTheHeaderIsInflated()
    {
        var (file, expected) = DeflatedFileWithPixelData(100 << 20);
        using var stream = new MemoryStream(file, writable: false);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var reading = InstanceHeaderReader.ReadFileAsync(stream);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(reading.IsCompleted, "the read went asynchronous, so this thread did not see all its allocations");
        var result = await reading;
        Assert.Equal(HeaderReadStatus.Completed, result.Status);
        Assert.True(result.Header!.HasPixelData);
        Assert.Equal(expected.SopInstanceUid, result.Header.SopInstanceUid);
        Assert.Equal(expected.EndOffset, result.Header.EndOffset);
        Assert.True(allocated < 4 << 20, $"allocated {allocated:N0} bytes to read the header of a deflated file of {file.Length:N0} bytes");
    }

    /// <summary>The same file read whole from the stream, skipping long values: checked to its end in bounded memory.</summary>
    [Fact]
    public async Task GivenDeflatedFileWithHundredMegabytesOfPixelData_WhenReadFromStreamSkippingLongValues_ThenInflatedToTheEndInBoundedMemory()
    {
        var (file, expected) = DeflatedFileWithPixelData(100 << 20);
        using var stream = new MemoryStream(file, writable: false);
        var options = new ReadOptions { SkipValuesLongerThan = 64 * 1024 };

        var before = GC.GetAllocatedBytesForCurrentThread();
        var reading = Part10Reader.ReadFileAsync(stream, options, InstanceMetadata.IsNeeded);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(reading.IsCompleted, "the read went asynchronous, so this thread did not see all its allocations");
        var dataSet = (await reading).DataSet;
        Assert.Equal(expected.SopInstanceUid, dataSet.GetString(DicomTags.SOPInstanceUID));
        Assert.Equal(stream.Length, stream.Position);
        Assert.True(allocated < 4 << 20, $"allocated {allocated:N0} bytes to read a deflated file of {file.Length:N0} bytes");

        var cut = file[..^100];
        var error = await Assert.ThrowsAnyAsync<Exception>(() => Part10Reader.ReadFileAsync(new MemoryStream(cut), options, InstanceMetadata.IsNeeded));
        Assert.True(error is DicomFormatException or InvalidDataException, error.ToString());
    }

    /// <summary>
    /// pydicom's deflated image_dfl.dcm with its data set cut at Pixel Data and given <paramref name="pixelBytes"/> of
    /// zeros instead (they deflate a thousandfold, so the file stays small).
    /// </summary>
    private static (byte[] File, InstanceHeader Header) DeflatedFileWithPixelData(int pixelBytes)
    {
        var source = Corpus.Read("image_dfl.dcm");
        var header = InstanceHeaderReader.ReadFile(new ReadOnlySequence<byte>(source), true);
        var meta = header.Meta!;
        var inflated = Part10Reader.Inflate(source.AsMemory((int)meta.DataSetOffset));
        var output = new MemoryStream();
        output.Write(source, 0, (int)meta.DataSetOffset);
        using (var deflater = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflater.Write(inflated, 0, (int)header.Header!.EndOffset);
            Span<byte> pixelHeader = [0xE0, 0x7F, 0x10, 0x00, (byte)'O', (byte)'W', 0, 0, 0, 0, 0, 0];
            BinaryPrimitives.WriteUInt32LittleEndian(pixelHeader[8..], (uint)pixelBytes);
            deflater.Write(pixelHeader);
            var zeros = new byte[1 << 20];
            for (var left = pixelBytes; left > 0; left -= zeros.Length)
            {
                deflater.Write(zeros, 0, Math.Min(left, zeros.Length));
            }
        }

        return (output.ToArray(), header.Header);
    }

    /// <summary>A read-only stream of a prefix followed by <c>pixelBytes</c> zeros, generated on demand.</summary>
    private sealed class HugeStream(byte[] prefix, long pixelBytes) : Stream
    {
        private long _position;

        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => prefix.Length + pixelBytes;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, Length - _position);
            for (var i = 0; i < n; i++)
            {
                var p = _position + i;
                buffer[i] = p < prefix.Length ? prefix[p] : (byte)0;
            }

            _position += n;
            BytesRead += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
