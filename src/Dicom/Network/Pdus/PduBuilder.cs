using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ImagingGateway.Dicom.Network.Pdus;

/// <summary>
/// Encodes the small control PDUs (A-ASSOCIATE, A-RELEASE, A-ABORT) into a growable buffer, back-patching the
/// length fields of PDUs and items once their content is known, then copies the bytes to the output in one span.
/// </summary>
internal sealed class PduBuilder
{
    private byte[] _buffer = new byte[512];
    private int _length;

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public void Byte(byte value) => Reserve(1)[0] = value;

    public void Zeros(int count) => Reserve(count).Clear();

    public void UInt16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), value);

    public void UInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), value);

    public void Bytes(ReadOnlySpan<byte> value) => value.CopyTo(Reserve(value.Length));

    public void Ascii(string value) => Encoding.ASCII.GetBytes(value, Reserve(Encoding.ASCII.GetByteCount(value)));

    /// <summary>Writes an AE title as a 16-byte space-padded field (PS3.8 9.3.2).</summary>
    public void AeTitle(string value)
    {
        var span = Reserve(16);
        span.Fill((byte)' ');
        if (value.Length > 16)
        {
            throw new ArgumentException($"AE title '{value}' is longer than 16 characters.", nameof(value));
        }

        Encoding.ASCII.GetBytes(value, span);
    }

    /// <summary>Starts an item: type, reserved, and a UInt16 length to patch with <see cref="EndItem"/>.</summary>
    public int BeginItem(byte type)
    {
        Byte(type);
        Byte(0);
        var at = _length;
        UInt16(0);
        return at;
    }

    public void EndItem(int lengthAt)
    {
        var length = _length - lengthAt - 2;
        if (length > ushort.MaxValue)
        {
            throw new InvalidOperationException($"Item of {length} bytes exceeds the 65535-byte item limit.");
        }

        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(lengthAt), (ushort)length);
    }

    /// <summary>Starts a PDU: type, reserved, and a UInt32 length to patch with <see cref="EndPdu"/>.</summary>
    public int BeginPdu(PduType type)
    {
        Byte((byte)type);
        Byte(0);
        var at = _length;
        UInt32(0);
        return at;
    }

    public void EndPdu(int lengthAt) =>
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(lengthAt), (uint)(_length - lengthAt - 4));

    /// <summary>Writes a sub-item holding one ASCII string (application context, abstract and transfer syntax, UIDs).</summary>
    public void StringItem(byte type, string value)
    {
        var at = BeginItem(type);
        Ascii(value);
        EndItem(at);
    }

    public void CopyTo(IBufferWriter<byte> output)
    {
        var span = output.GetSpan(_length);
        WrittenSpan.CopyTo(span);
        output.Advance(_length);
    }

    public byte[] ToArray() => WrittenSpan.ToArray();

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }

        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
