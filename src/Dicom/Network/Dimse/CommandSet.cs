using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ImagingGateway.Dicom.Network.Dimse;

/// <summary>
/// A DIMSE command set: group 0000 elements, always Implicit VR Little Endian (PS3.7 6.3.1, Annex E):
/// <code>
/// group (UInt16 LE) | element (UInt16 LE) | value length (UInt32 LE) | value (even length)
/// </code>
/// (0000,0000) Command Group Length is computed on write. Values are kept as raw bytes; typed accessors decode the
/// fields the C-ECHO and C-STORE services need.
/// </summary>
public sealed class CommandSet
{
    /// <summary>Guard against hostile command sets; real ones are a few hundred bytes.</summary>
    public const int MaxEncodedLength = 64 * 1024;

    private readonly SortedDictionary<uint, byte[]> _elements = [];

    public IEnumerable<uint> Tags => _elements.Keys;

    public CommandField CommandField
    {
        get => (CommandField)GetRequiredUInt16(CommandTag.CommandField);
        set => SetUInt16(CommandTag.CommandField, (ushort)value);
    }

    public ushort MessageId
    {
        get => GetRequiredUInt16(CommandTag.MessageId);
        set => SetUInt16(CommandTag.MessageId, value);
    }

    public ushort MessageIdBeingRespondedTo
    {
        get => GetRequiredUInt16(CommandTag.MessageIdBeingRespondedTo);
        set => SetUInt16(CommandTag.MessageIdBeingRespondedTo, value);
    }

    public bool HasDataSet
    {
        get => GetRequiredUInt16(CommandTag.CommandDataSetType) != CommandTag.NoDataSet;
        set => SetUInt16(CommandTag.CommandDataSetType, value ? (ushort)0x0000 : CommandTag.NoDataSet);
    }

    public DimseStatus Status
    {
        get => new(GetRequiredUInt16(CommandTag.Status));
        set => SetUInt16(CommandTag.Status, value.Code);
    }

    public ushort Priority
    {
        get => GetUInt16(CommandTag.Priority) ?? 0;
        set => SetUInt16(CommandTag.Priority, value);
    }

    public string? AffectedSopClassUid
    {
        get => GetString(CommandTag.AffectedSopClassUid);
        set => SetString(CommandTag.AffectedSopClassUid, value, 0);
    }

    public string? AffectedSopInstanceUid
    {
        get => GetString(CommandTag.AffectedSopInstanceUid);
        set => SetString(CommandTag.AffectedSopInstanceUid, value, 0);
    }

    public string? RequestedSopClassUid
    {
        get => GetString(CommandTag.RequestedSopClassUid);
        set => SetString(CommandTag.RequestedSopClassUid, value, 0);
    }

    public string? RequestedSopInstanceUid
    {
        get => GetString(CommandTag.RequestedSopInstanceUid);
        set => SetString(CommandTag.RequestedSopInstanceUid, value, 0);
    }

    /// <summary>Event Type ID (0000,1002) of an N-EVENT-REPORT (PS3.7 10.1.1).</summary>
    public ushort? EventTypeId
    {
        get => GetUInt16(CommandTag.EventTypeId);
        set => SetOptionalUInt16(CommandTag.EventTypeId, value);
    }

    /// <summary>Action Type ID (0000,1008) of an N-ACTION (PS3.7 10.1.4).</summary>
    public ushort? ActionTypeId
    {
        get => GetUInt16(CommandTag.ActionTypeId);
        set => SetOptionalUInt16(CommandTag.ActionTypeId, value);
    }

    public string? MoveOriginatorApplicationEntityTitle
    {
        get => GetString(CommandTag.MoveOriginatorApplicationEntityTitle);
        set => SetString(CommandTag.MoveOriginatorApplicationEntityTitle, value, (byte)' ');
    }

    public ushort? MoveOriginatorMessageId
    {
        get => GetUInt16(CommandTag.MoveOriginatorMessageId);
        set => SetOptionalUInt16(CommandTag.MoveOriginatorMessageId, value);
    }

    public string? ErrorComment
    {
        get => GetString(CommandTag.ErrorComment);
        set => SetString(CommandTag.ErrorComment, ErrorCommentText(value), (byte)' ');
    }

    /// <summary>
    /// PS3.7 C.4.2 and VR LO (PS3.5 6.2): at most 64 characters, no backslash and no control characters; an
    /// exception's message given as the comment is cut and cleaned to fit.
    /// </summary>
    private static string? ErrorCommentText(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var text = value.Length > 64 ? value[..64] : value;
        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = source[i] is >= ' ' and <= '~' and not '\\' ? source[i] : ' ';
            }
        });
    }

    public bool Contains(uint tag) => _elements.ContainsKey(tag);

    public ReadOnlySpan<byte> GetRaw(uint tag) => _elements.TryGetValue(tag, out var value) ? value : default;

    public void SetRaw(uint tag, byte[] value)
    {
        if ((tag >> 16) != 0 || tag == CommandTag.CommandGroupLength)
        {
            throw new ArgumentOutOfRangeException(nameof(tag), "Command sets hold group 0000 elements other than the group length.");
        }

        _elements[tag] = value;
    }

    public ushort? GetUInt16(uint tag)
    {
        if (!_elements.TryGetValue(tag, out var value))
        {
            return null;
        }

        if (value.Length != 2)
        {
            throw new DimseFormatException($"Command element (0000,{tag & 0xFFFF:X4}) has length {value.Length}, expected 2.");
        }

        return BinaryPrimitives.ReadUInt16LittleEndian(value);
    }

    public string? GetString(uint tag) =>
        _elements.TryGetValue(tag, out var value) ? Encoding.ASCII.GetString(value).Trim(' ', '\0') : null;

    private void SetOptionalUInt16(uint tag, ushort? value)
    {
        if (value is { } v)
        {
            SetUInt16(tag, v);
        }
        else
        {
            _elements.Remove(tag);
        }
    }

    public void SetUInt16(uint tag, ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        SetRaw(tag, bytes);
    }

    /// <summary>Sets a string value padded to even length (UI with NUL, others with space, PS3.5 6.2).</summary>
    public void SetString(uint tag, string? value, byte padding)
    {
        if (value is null)
        {
            _elements.Remove(tag);
            return;
        }

        var length = Encoding.ASCII.GetByteCount(value);
        var bytes = new byte[length + (length & 1)];
        Encoding.ASCII.GetBytes(value, bytes);
        if ((length & 1) != 0)
        {
            bytes[^1] = padding;
        }

        SetRaw(tag, bytes);
    }

    /// <summary>Encodes the command set with its group length, Implicit VR Little Endian.</summary>
    public byte[] Encode()
    {
        var contentLength = _elements.Values.Sum(v => 8 + v.Length);
        var bytes = new byte[12 + contentLength];
        var span = bytes.AsSpan();
        WriteHeader(span, CommandTag.CommandGroupLength, 4);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], (uint)contentLength);
        var at = 12;
        foreach (var (tag, value) in _elements)
        {
            WriteHeader(span[at..], tag, value.Length);
            value.CopyTo(span[(at + 8)..]);
            at += 8 + value.Length;
        }

        return bytes;
    }

    /// <summary>Parses a complete command set. Any deviation from group 0000 Implicit VR LE is a <see cref="DimseFormatException"/>.</summary>
    public static CommandSet Parse(ReadOnlySequence<byte> encoded)
    {
        if (encoded.Length > MaxEncodedLength)
        {
            throw new DimseFormatException($"Command set of {encoded.Length} bytes exceeds {MaxEncodedLength}.");
        }

        var reader = new SequenceReader<byte>(encoded);
        var command = new CommandSet();
        uint previous = 0;
        var first = true;
        while (!reader.End)
        {
            if (!reader.TryReadLittleEndian(out short group) || !reader.TryReadLittleEndian(out short element) ||
                !reader.TryReadLittleEndian(out int length))
            {
                throw new DimseFormatException("Truncated command element header.");
            }

            var tag = ((uint)(ushort)group << 16) | (ushort)element;
            if (group != 0)
            {
                throw new DimseFormatException($"Element ({(ushort)group:X4},{(ushort)element:X4}) outside group 0000 in a command set.");
            }

            if (length < 0 || length > reader.Remaining)
            {
                throw new DimseFormatException($"Command element (0000,{(ushort)element:X4}) length {(uint)length} exceeds the {reader.Remaining} bytes left.");
            }

            if (!first && tag <= previous)
            {
                throw new DimseFormatException($"Command element (0000,{(ushort)element:X4}) out of ascending order.");
            }

            var value = new byte[length];
            reader.TryCopyTo(value);
            reader.Advance(length);
            if (tag == CommandTag.CommandGroupLength)
            {
                if (length != 4 || BinaryPrimitives.ReadUInt32LittleEndian(value) != reader.Remaining)
                {
                    throw new DimseFormatException("Command Group Length does not match the command set.");
                }
            }
            else
            {
                command._elements[tag] = value;
            }

            previous = tag;
            first = false;
        }

        if (!command._elements.ContainsKey(CommandTag.CommandField))
        {
            throw new DimseFormatException("Command set without Command Field (0000,0100).");
        }

        return command;
    }

    private ushort GetRequiredUInt16(uint tag) =>
        GetUInt16(tag) ?? throw new DimseFormatException($"Command element (0000,{tag & 0xFFFF:X4}) is missing.");

    private static void WriteHeader(Span<byte> span, uint tag, int length)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)(tag >> 16));
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], (ushort)tag);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)length);
    }
}
