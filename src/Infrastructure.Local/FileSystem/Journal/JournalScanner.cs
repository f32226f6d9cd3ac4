using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace ImagingGateway.Infrastructure.Local.FileSystem.Journal;

/// <summary>
/// Finds the valid records of one segment after a crash. Records were appended concurrently, so a torn one may sit
/// between complete ones: every 4 KiB boundary is tried, and a valid record is skipped over whole (its payload is
/// never read as headers). A payload record counts only if its bytes hash to the SHA-256 in its header.
/// </summary>
internal static class JournalScanner
{
    private const int ChunkSize = 1024 * 1024;

    public static List<JournalRecordHeader> Scan(SafeFileHandle handle, byte[] epoch, long length)
    {
        var found = new List<JournalRecordHeader>();
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long chunkStart = -1;
            var chunkLength = 0;
            var offset = (long)JournalFormat.SegmentHeaderSize;
            while (offset + JournalFormat.RecordAlignment <= length)
            {
                if (chunkStart < 0 || offset + JournalFormat.RecordAlignment > chunkStart + chunkLength)
                {
                    chunkStart = offset;
                    chunkLength = RandomAccess.Read(handle, chunk.AsSpan(0, (int)Math.Min(ChunkSize, length - offset)), offset);
                    if (chunkLength < JournalFormat.RecordAlignment)
                    {
                        break;
                    }
                }

                var block = chunk.AsSpan((int)(offset - chunkStart), JournalFormat.RecordAlignment);
                if (JournalFormat.TryDecodeRecordHeader(block, offset, epoch, length, out var header)
                    && (header.Type != JournalRecordType.Payload || PayloadMatches(handle, header)))
                {
                    found.Add(header);
                    offset = header.End;
                }
                else
                {
                    offset += JournalFormat.RecordAlignment;
                }
            }

            return found;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static bool PayloadMatches(SafeFileHandle handle, JournalRecordHeader header) =>
        JournalFormat.PayloadSha256(handle, header.PayloadOffset, header.PayloadLength) is { } hash
        && hash.AsSpan().SequenceEqual(header.Sha256);
}
