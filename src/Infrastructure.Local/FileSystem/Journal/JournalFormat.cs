using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace ImagingGateway.Infrastructure.Local.FileSystem.Journal;

/// <summary>What a journal record says about its key.</summary>
internal enum JournalRecordType : byte
{
    /// <summary>The record carries the object's bytes: replaying it writes the object.</summary>
    Payload = 1,

    /// <summary>The object was since written durably outside the journal: older records of the key must not be replayed.</summary>
    Direct = 2,

    /// <summary>
    /// A delete, from versions whose store could delete. Nothing writes it now; it is still decoded so that recovery can
    /// refuse it by name instead of skipping it as damage and replaying an older version of the key.
    /// </summary>
    Delete = 3,
}

/// <summary>One record header as read back from a segment.</summary>
internal readonly record struct JournalRecordHeader(
    long Sequence, JournalRecordType Type, string Key, long PayloadOffset, long PayloadLength, byte[] Sha256, long End);

/// <summary>
/// The on-disk layout of journal segments (all integers little-endian). A segment starts with a 4 KiB header:
/// magic <c>IGWJSEG1</c>, version, segment number, a random 16-byte epoch drawn each time the segment is (re)used,
/// CRC-32C. Records follow at 4 KiB boundaries: magic <c>IGWJREC1</c>, the segment's epoch, sequence number, type,
/// key length, payload length, SHA-256 of the payload, the key (UTF-8), CRC-32C of all that; the payload starts at
/// the next 512-byte boundary. A record is valid only with the current epoch, a good CRC and, for a payload, a
/// matching SHA-256, so a torn write, a stale record of an earlier use, or bytes inside a payload that look like a
/// header (the epoch is unknown to senders) are never replayed.
/// </summary>
internal static class JournalFormat
{
    public const int SegmentHeaderSize = 4096;
    public const int RecordAlignment = 4096;
    public const int PayloadAlignment = 512;
    private const int RecordFixedSize = 80;
    private const int SegmentHeaderUsed = 36;
    private static ReadOnlySpan<byte> SegmentMagic => "IGWJSEG1"u8;
    private static ReadOnlySpan<byte> RecordMagic => "IGWJREC1"u8;

    /// <summary>Bytes before the payload of a record for <paramref name="key"/>.</summary>
    public static int PayloadStart(string key) => Align(RecordFixedSize + Encoding.UTF8.GetByteCount(key) + 4, PayloadAlignment);

    /// <summary>The room a record takes in a segment.</summary>
    public static long RecordSize(string key, long payloadLength) => Align(PayloadStart(key) + payloadLength, RecordAlignment);

    public static byte[] EncodeSegmentHeader(int segmentNumber, ReadOnlySpan<byte> epoch)
    {
        var buffer = new byte[SegmentHeaderSize];
        SegmentMagic.CopyTo(buffer);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(8), 1);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(12), segmentNumber);
        epoch.CopyTo(buffer.AsSpan(16, 16));
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(32), Crc32C(buffer.AsSpan(0, 32)));
        return buffer;
    }

    /// <summary>The epoch of a segment header, or null when the header is not a valid one.</summary>
    public static byte[]? DecodeSegmentEpoch(ReadOnlySpan<byte> header)
    {
        if (header.Length < SegmentHeaderUsed || !header[..8].SequenceEqual(SegmentMagic)
            || BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) != 1
            || BinaryPrimitives.ReadUInt32LittleEndian(header[32..]) != Crc32C(header[..32]))
        {
            return null;
        }

        return header.Slice(16, 16).ToArray();
    }

    /// <summary>
    /// The SHA-256 a payload record carries: of <paramref name="length"/> bytes of <paramref name="handle"/> from
    /// <paramref name="offset"/>, read in 1 MiB pieces; null when the file ends before them.
    /// </summary>
    public static byte[]? PayloadSha256(SafeFileHandle handle, long offset, long length)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(length, 1, 1024 * 1024));
        try
        {
            for (var remaining = length; remaining > 0;)
            {
                var read = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, remaining)), offset);
                if (read <= 0)
                {
                    return null;
                }

                hash.AppendData(buffer.AsSpan(0, read));
                offset += read;
                remaining -= read;
            }

            return hash.GetHashAndReset();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The header of a record (written before its payload, at <see cref="PayloadStart"/> bytes).</summary>
    public static byte[] EncodeRecordHeader(ReadOnlySpan<byte> epoch, long sequence, JournalRecordType type, string key, long payloadLength, ReadOnlySpan<byte> sha256)
    {
        var keyBytes = Encoding.UTF8.GetBytes(key);
        var buffer = new byte[PayloadStart(key)];
        RecordMagic.CopyTo(buffer);
        epoch.CopyTo(buffer.AsSpan(8, 16));
        BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(24), sequence);
        buffer[32] = (byte)type;
        BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(36), (ushort)keyBytes.Length);
        BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(40), payloadLength);
        sha256.CopyTo(buffer.AsSpan(48, 32));
        keyBytes.CopyTo(buffer.AsSpan(RecordFixedSize));
        var crcAt = RecordFixedSize + keyBytes.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(crcAt), Crc32C(buffer.AsSpan(0, crcAt)));
        return buffer;
    }

    /// <summary>
    /// Reads the record header at the start of <paramref name="block"/> (at least <see cref="RecordAlignment"/> bytes,
    /// fewer only at the end of the segment), found at <paramref name="offset"/> in a segment of <paramref name="epoch"/>.
    /// Returns false when there is no valid header there.
    /// </summary>
    public static bool TryDecodeRecordHeader(ReadOnlySpan<byte> block, long offset, ReadOnlySpan<byte> epoch, long segmentLength, out JournalRecordHeader header)
    {
        header = default;
        if (block.Length < RecordFixedSize + 4 || !block[..8].SequenceEqual(RecordMagic) || !block.Slice(8, 16).SequenceEqual(epoch))
        {
            return false;
        }

        var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(block[36..]);
        var crcAt = RecordFixedSize + keyLength;
        if (keyLength == 0 || keyLength > ObjectKeyValidator.MaxKeyLength || crcAt + 4 > block.Length
            || BinaryPrimitives.ReadUInt32LittleEndian(block[crcAt..]) != Crc32C(block[..crcAt]))
        {
            return false;
        }

        var type = (JournalRecordType)block[32];
        var payloadLength = BinaryPrimitives.ReadInt64LittleEndian(block[40..]);
        if (type is not (JournalRecordType.Payload or JournalRecordType.Direct or JournalRecordType.Delete) || payloadLength < 0)
        {
            return false;
        }

        string key;
        try
        {
            key = new UTF8Encoding(false, true).GetString(block.Slice(RecordFixedSize, keyLength));
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        var payloadOffset = offset + Align(crcAt + 4, PayloadAlignment);
        var end = offset + Align(payloadOffset - offset + payloadLength, RecordAlignment);
        if (payloadOffset + payloadLength > segmentLength)
        {
            return false;
        }

        header = new JournalRecordHeader(
            BinaryPrimitives.ReadInt64LittleEndian(block[24..]), type, key, payloadOffset, payloadLength, block.Slice(48, 32).ToArray(), end);
        return true;
    }

    public static long Align(long value, int alignment) => (value + alignment - 1) / alignment * alignment;

    public static int Align(int value, int alignment) => (value + alignment - 1) / alignment * alignment;

    /// <summary>CRC-32C (Castagnoli) with the processor's instruction where there is one.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
