using System.Buffers;
using System.Text;

namespace ImagingGateway.Dicom.Network.Pdus;

/// <summary>Bounds-checked big-endian reads over a PDU or item body; every short read is a <see cref="PduFormatException"/>.</summary>
internal ref struct PduBodyReader(ReadOnlySequence<byte> body)
{
    private SequenceReader<byte> _reader = new(body);

    public readonly long Remaining => _reader.Remaining;

    public readonly bool End => _reader.End;

    public byte ReadByte()
    {
        if (!_reader.TryRead(out var value))
        {
            throw Truncated(1);
        }

        return value;
    }

    public ushort ReadUInt16()
    {
        if (!_reader.TryReadBigEndian(out short value))
        {
            throw Truncated(2);
        }

        return (ushort)value;
    }

    public uint ReadUInt32()
    {
        if (!_reader.TryReadBigEndian(out int value))
        {
            throw Truncated(4);
        }

        return (uint)value;
    }

    public void Skip(long count)
    {
        if (_reader.Remaining < count)
        {
            throw Truncated(count);
        }

        _reader.Advance(count);
    }

    public ReadOnlySequence<byte> ReadSlice(long count)
    {
        if (_reader.Remaining < count)
        {
            throw Truncated(count);
        }

        var slice = _reader.UnreadSequence.Slice(0, count);
        _reader.Advance(count);
        return slice;
    }

    public byte[] ReadBytes(int count) => ReadSlice(count).ToArray();

    /// <summary>Reads an ASCII field, dropping leading and trailing spaces and trailing NULs (UIDs may be NUL padded).</summary>
    public string ReadAscii(int count) => DecodeAscii(ReadSlice(count));

    /// <summary>Reads an item header (type, reserved, UInt16 length) and returns the item body (PS3.8 9.3.2).</summary>
    public ReadOnlySequence<byte> ReadItem(out byte itemType)
    {
        itemType = ReadByte();
        Skip(1);
        var length = ReadUInt16();
        return ReadSlice(length);
    }

    /// <summary>
    /// Decodes byte for byte (Latin-1), so that a byte outside ASCII stays visible to the checks that follow instead of
    /// turning into a valid-looking '?'.
    /// </summary>
    public static string DecodeAscii(ReadOnlySequence<byte> value)
    {
        var text = Encoding.Latin1.GetString(value);
        return text.Trim(' ', '\0');
    }

    private readonly PduFormatException Truncated(long wanted) =>
        new($"Truncated PDU field: needed {wanted} bytes, {_reader.Remaining} left.", AbortReason.InvalidPduParameterValue);
}
