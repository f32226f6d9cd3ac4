using System.Buffers;
using System.Buffers.Binary;

namespace ImagingGateway.Dicom.Network.Pdus;

/// <summary>
/// Frames PDUs out of a byte stream (PS3.8 9.3.1). Every PDU starts with a 6-byte header:
/// <code>
///  0        1          2                     6
/// +--------+----------+---------------------+----------------------------+
/// |  type  | reserved | length (UInt32 BE)  | variable field (length)    |
/// +--------+----------+---------------------+----------------------------+
/// </code>
/// The length is checked against the caller's limit as soon as the header is available, before waiting for the body,
/// so a hostile length never makes us buffer more than the limit.
/// </summary>
public static class PduReader
{
    public const int HeaderLength = 6;

    /// <summary>
    /// Tries to take one complete PDU from the front of <paramref name="buffer"/>. On success the buffer is advanced
    /// past the PDU and <paramref name="body"/> is a slice of the original buffer (no copy), valid until the
    /// caller advances its pipe reader.
    /// </summary>
    /// <exception cref="PduFormatException">Unknown PDU type or a length over <paramref name="maxLength"/>.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, uint maxLength, out PduType type, out ReadOnlySequence<byte> body)
    {
        type = default;
        body = default;
        if (buffer.Length < HeaderLength)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        buffer.Slice(0, HeaderLength).CopyTo(header);
        type = (PduType)header[0];
        if (type is < PduType.AssociateRequest or > PduType.Abort)
        {
            throw new PduFormatException($"Unrecognized PDU type 0x{header[0]:X2}.", AbortReason.UnrecognizedPdu);
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header[2..]);
        if (length > maxLength)
        {
            throw new PduFormatException(
                $"PDU type 0x{header[0]:X2} declares {length} bytes, over the limit of {maxLength}.",
                AbortReason.InvalidPduParameterValue);
        }

        if (buffer.Length - HeaderLength < length)
        {
            return false;
        }

        body = buffer.Slice(HeaderLength, length);
        buffer = buffer.Slice(body.End);
        return true;
    }
}
