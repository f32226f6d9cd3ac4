using System.Buffers;
using System.Buffers.Binary;
using ImagingGateway.Dicom.Dictionary;

namespace ImagingGateway.Dicom.Reading;

/// <summary>
/// Tokenizer for a DICOM data set (PS3.5 7) in any uncompressed encoding: implicit or explicit VR, little or big endian.
/// It reports each element, sequence, item and fragment to an <see cref="IDataSetVisitor"/>.
/// <para>
/// Resumable: when the input ends inside an element, <see cref="Read{TVisitor}"/> returns
/// <see cref="DataSetReadStatus.NeedMoreData"/> without consuming that element; call again with the unconsumed bytes
/// followed by more. Offsets reported are absolute from the first byte ever given to this reader.
/// </para>
/// <code>
/// explicit VR, 16-bit length   tag(4) VR(2) length(2) value
/// explicit VR, 32-bit length   tag(4) VR(2) 0000 length(4) value      (OB OD OF OL OV OW SQ SV UC UN UR UT UV)
/// implicit VR                  tag(4) length(4) value                 (VR from the data dictionary)
/// item / delimiters            FFFE,E000 | FFFE,E00D | FFFE,E0DD  length(4), always implicit
/// </code>
/// With <see cref="ReadOptions.SkipValuesLongerThan"/>, a long value is reported by its header and then skipped as its
/// bytes arrive, so the input need never hold it whole; data ending inside it is still reported as truncated.
/// </summary>
public sealed class DataSetReader
{
    private const int MaxHeaderLength = 12;

    private readonly ReadOptions _options;
    private readonly bool _rootExplicitVr;
    private readonly bool _rootLittleEndian;
    private Frame[] _stack = [];
    private int _depth;
    private long _position;
    private long _skipRemaining;
    private DicomElementHeader _skipped;
    private DicomTag? _skippedFragmentsTag;

    public DataSetReader(TransferSyntax transferSyntax, ReadOptions? options = null, long startOffset = 0)
        : this(transferSyntax.IsExplicitVr, transferSyntax.IsLittleEndian, options, startOffset)
    {
    }

    public DataSetReader(bool explicitVr, bool littleEndian, ReadOptions? options = null, long startOffset = 0)
    {
        _rootExplicitVr = explicitVr;
        _rootLittleEndian = littleEndian;
        _options = options ?? ReadOptions.Default;
        _position = startOffset;
    }

    private enum FrameKind : byte
    {
        Sequence,
        Item,
        Fragments,
    }

    /// <summary>Absolute offset of the next byte the reader expects.</summary>
    public long Position => _position;

    /// <summary>Current sequence nesting (0 at the top level of the data set).</summary>
    public int Depth => _depth;

    /// <summary>
    /// Reads as many whole tokens as <paramref name="buffer"/> holds. <paramref name="isFinalBlock"/> says that no more
    /// bytes will follow, so an incomplete element is an error (truncated) rather than a reason to wait.
    /// </summary>
    public DataSetReadResult Read<TVisitor>(ReadOnlySequence<byte> buffer, bool isFinalBlock, ref TVisitor visitor)
        where TVisitor : IDataSetVisitor
    {
        var reader = new SequenceReader<byte>(buffer);
        Span<byte> scratch = stackalloc byte[MaxHeaderLength];
        while (true)
        {
            if (_skipRemaining > 0 && ContinueSkip(ref reader, isFinalBlock) is { } skipResult)
            {
                return skipResult;
            }

            var pos = _position + reader.Consumed;
            if (_depth > 0)
            {
                ref var top = ref _stack[_depth - 1];
                if (top.End >= 0 && pos >= top.End)
                {
                    if (pos > top.End)
                    {
                        return Fail(reader, $"Element crosses the end of the enclosing {Describe(top.Kind)} of defined length (ends at offset {top.End})", pos, top.Tag);
                    }

                    CloseTop(ref visitor);
                    continue;
                }
            }

            if (reader.End)
            {
                if (_depth == 0)
                {
                    return Done(reader, isFinalBlock ? DataSetReadStatus.Completed : DataSetReadStatus.NeedMoreData, null);
                }

                if (!isFinalBlock)
                {
                    return Done(reader, DataSetReadStatus.NeedMoreData, null);
                }

                // PS3.5 7.5: a sequence or item of undefined length must be closed by its delimiter, and one of defined
                // length must hold its bytes. At the very end of the data, on an element boundary, DCMTK and pydicom
                // close what is open (missing delimiters; lengths not updated after an edit), and so do we. Data cut
                // inside an element is still an error (above), and so are unterminated encapsulated fragments.
                ref var open = ref _stack[_depth - 1];
                if (open.Kind == FrameKind.Fragments)
                {
                    return Fail(reader, $"Data set ends inside an {Describe(open.Kind)}", pos, open.Tag);
                }

                CloseTop(ref visitor);
                continue;
            }

            var unread = reader.UnreadSpan;
            ReadOnlySpan<byte> head = scratch[..0];
            if (unread.Length >= MaxHeaderLength)
            {
                head = unread[..MaxHeaderLength];
            }
            else
            {
                var available = (int)Math.Min(reader.Remaining, MaxHeaderLength);
                head = unread.Length >= available ? unread[..available] : Copy(reader, scratch[..available]);
            }
            var explicitVr = _depth == 0 ? _rootExplicitVr : _stack[_depth - 1].ExplicitVr;
            var littleEndian = _depth == 0 ? _rootLittleEndian : _stack[_depth - 1].LittleEndian;
            if (head.Length < 8)
            {
                if (isFinalBlock)
                {
                    return Fail(reader, $"Data set is truncated: {head.Length} bytes left where an element header starts", pos, null);
                }

                return Done(reader, DataSetReadStatus.NeedMoreData, null);
            }

            var tag = ReadTag(head, littleEndian);
            if (tag.Group == 0xFFFE)
            {
                var itemLength = ReadUInt32(head[4..], littleEndian);
                var result = ReadItemToken(ref reader, ref visitor, tag, itemLength, pos, isFinalBlock);
                if (result is { } r)
                {
                    return r;
                }

                continue;
            }

            if (_depth > 0 && _stack[_depth - 1].Kind != FrameKind.Item)
            {
                return Fail(reader, $"Expected an item tag (FFFE,E000) in the {Describe(_stack[_depth - 1].Kind)}, found {tag}", pos, _stack[_depth - 1].Tag);
            }

            if (_depth == 0 && ((_options.StopAtTag is { } stop && tag.Value >= stop.Value) || (_options.StopPredicate?.Invoke(tag) ?? false)))
            {
                _position = pos;
                return new DataSetReadResult(DataSetReadStatus.Stopped, reader.Consumed, pos, null, tag);
            }

            DicomVr vr;
            uint length;
            int headerLength;
            if (explicitVr)
            {
                vr = (DicomVr)BinaryPrimitives.ReadUInt16BigEndian(head[4..]);
                if (!vr.IsKnown())
                {
                    if (!IsUpperLetter(head[4]) || !IsUpperLetter(head[5]))
                    {
                        return Fail(reader, $"Invalid VR bytes 0x{head[4]:X2}{head[5]:X2} in explicit VR encoding", pos, tag);
                    }

                    // An unknown but well-formed VR: PS3.5 6.2 says to treat it like UN with a 32-bit length.
                    if (head.Length < 12)
                    {
                        return NeedMore(reader, isFinalBlock, pos, tag);
                    }

                    length = ReadUInt32(head[8..], littleEndian);
                    headerLength = 12;
                    vr = DicomVr.UN;
                }
                else if (vr.HasLongExplicitLength())
                {
                    if (head.Length < 12)
                    {
                        return NeedMore(reader, isFinalBlock, pos, tag);
                    }

                    length = ReadUInt32(head[8..], littleEndian);
                    headerLength = 12;
                }
                else
                {
                    length = littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(head[6..]) : BinaryPrimitives.ReadUInt16BigEndian(head[6..]);
                    headerLength = 8;
                }
            }
            else
            {
                length = ReadUInt32(head[4..], littleEndian);
                headerLength = 8;
                vr = DicomDictionary.ImplicitVr(tag);
                if (vr == DicomVr.None)
                {
                    vr = DicomVr.UN;
                }
            }

            var header = new DicomElementHeader(tag, vr, length, pos, pos + headerLength, littleEndian, explicitVr, _depth);
            if (length == DicomElementHeader.UndefinedLength)
            {
                if (_depth >= _options.MaxDepth * 2)
                {
                    return Fail(reader, $"Sequence nesting deeper than {_options.MaxDepth}", pos, tag);
                }

                reader.Advance(headerLength);
                if (vr == DicomVr.SQ)
                {
                    Push(FrameKind.Sequence, tag, -1, explicitVr, littleEndian);
                    visitor.OnSequenceStart(header);
                }
                else if (vr == DicomVr.UN && !(explicitVr && tag == DicomTag.PixelData))
                {
                    // PS3.5 6.2.2: UN of undefined length is a sequence encoded as Implicit VR Little Endian.
                    Push(FrameKind.Sequence, tag, -1, false, true);
                    visitor.OnSequenceStart(header);
                }
                else if (tag == DicomTag.PixelData || vr is DicomVr.OB or DicomVr.OW)
                {
                    Push(FrameKind.Fragments, tag, -1, explicitVr, littleEndian);
                    visitor.OnFragmentsStart(header);
                }
                else if (!explicitVr)
                {
                    // Implicit VR: an unknown (e.g. private) element of undefined length can only be a sequence.
                    Push(FrameKind.Sequence, tag, -1, explicitVr, littleEndian);
                    visitor.OnSequenceStart(header with { Vr = DicomVr.SQ });
                }
                else
                {
                    return Fail(reader, $"Undefined length is not allowed for VR {vr.Code()}", pos, tag);
                }

                continue;
            }

            var valueEnd = pos + headerLength + length;
            if (_depth > 0 && _stack[_depth - 1].End >= 0 && valueEnd > _stack[_depth - 1].End)
            {
                return Fail(reader, $"Value length {length} runs past the end of the enclosing item (offset {_stack[_depth - 1].End})", pos, tag);
            }

            if (vr == DicomVr.SQ)
            {
                if (_depth >= _options.MaxDepth * 2)
                {
                    return Fail(reader, $"Sequence nesting deeper than {_options.MaxDepth}", pos, tag);
                }

                reader.Advance(headerLength);
                Push(FrameKind.Sequence, tag, valueEnd, explicitVr, littleEndian);
                visitor.OnSequenceStart(header with { Vr = DicomVr.SQ });
                continue;
            }

            if (IsSkipped(length))
            {
                reader.Advance(headerLength);
                visitor.OnSkippedValue(header);
                BeginSkip(header, null);
                continue;
            }

            if (reader.Remaining < headerLength + (long)length)
            {
                if (isFinalBlock)
                {
                    return Fail(reader, ValuePastEnd(length, reader.Remaining - headerLength), pos, tag);
                }

                return Done(reader, DataSetReadStatus.NeedMoreData, null);
            }

            reader.Advance(headerLength);
            var value = reader.Sequence.Slice(reader.Position, length);
            reader.Advance(length);
            visitor.OnElement(header, value);
        }
    }

    private static bool IsUpperLetter(byte b) => b is >= (byte)'A' and <= (byte)'Z';

    private static ReadOnlySpan<byte> Copy(SequenceReader<byte> reader, Span<byte> destination)
    {
        reader.TryCopyTo(destination);
        return destination;
    }

    private static DicomTag ReadTag(ReadOnlySpan<byte> head, bool littleEndian) => littleEndian
        ? new DicomTag(BinaryPrimitives.ReadUInt16LittleEndian(head), BinaryPrimitives.ReadUInt16LittleEndian(head[2..]))
        : new DicomTag(BinaryPrimitives.ReadUInt16BigEndian(head), BinaryPrimitives.ReadUInt16BigEndian(head[2..]));

    private static uint ReadUInt32(ReadOnlySpan<byte> bytes, bool littleEndian) =>
        littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes);

    private static string Describe(FrameKind kind) => kind switch
    {
        FrameKind.Sequence => "sequence",
        FrameKind.Item => "item",
        _ => "encapsulated pixel data",
    };

    private DataSetReadResult? ReadItemToken<TVisitor>(
        ref SequenceReader<byte> reader,
        ref TVisitor visitor,
        DicomTag tag,
        uint length,
        long pos,
        bool isFinalBlock)
        where TVisitor : IDataSetVisitor
    {
        var kind = _depth == 0 ? (FrameKind?)null : _stack[_depth - 1].Kind;
        switch (tag.Element)
        {
            case 0xE000 when kind == FrameKind.Sequence:
                if (_depth >= _options.MaxDepth * 2)
                {
                    return Fail(reader, $"Sequence nesting deeper than {_options.MaxDepth}", pos, tag);
                }

                var end = length == DicomElementHeader.UndefinedLength ? -1 : pos + 8 + length;
                if (end >= 0 && _stack[_depth - 1].End >= 0 && end > _stack[_depth - 1].End)
                {
                    // An item length not updated after an edit (pydicom's DICOMDIR-nooffset) runs past its sequence.
                    // DCMTK reads the item by its own length and ends the sequence after it; so do we.
                    _stack[_depth - 1] = _stack[_depth - 1] with { End = end };
                }

                reader.Advance(8);
                var parent = _stack[_depth - 1];
                Push(FrameKind.Item, tag, end, parent.ExplicitVr, parent.LittleEndian);
                visitor.OnItemStart(pos, length);
                return null;
            case 0xE000 when kind == FrameKind.Fragments:
                if (length == DicomElementHeader.UndefinedLength)
                {
                    return Fail(reader, "Fragment of encapsulated pixel data has undefined length", pos, _stack[_depth - 1].Tag);
                }

                if (IsSkipped(length))
                {
                    reader.Advance(8);
                    var fragments = _stack[_depth - 1];
                    var item = new DicomElementHeader(tag, DicomVr.None, length, pos, pos + 8, fragments.LittleEndian, fragments.ExplicitVr, _depth);
                    visitor.OnSkippedValue(item);
                    BeginSkip(item, fragments.Tag);
                    return null;
                }

                if (reader.Remaining < 8 + (long)length)
                {
                    if (isFinalBlock)
                    {
                        return Fail(reader, FragmentPastEnd(length, reader.Remaining - 8), pos, _stack[_depth - 1].Tag);
                    }

                    return Done(reader, DataSetReadStatus.NeedMoreData, null);
                }

                reader.Advance(8);
                var fragment = reader.Sequence.Slice(reader.Position, length);
                reader.Advance(length);
                visitor.OnFragment(pos + 8, fragment);
                return null;
            case 0xE00D when kind == FrameKind.Item && _stack[_depth - 1].End < 0:
                reader.Advance(8);
                CloseTop(ref visitor);
                return null;
            case 0xE0DD when kind is FrameKind.Sequence or FrameKind.Fragments && _stack[_depth - 1].End < 0:
                reader.Advance(8);
                CloseTop(ref visitor);
                return null;
            case 0xE0DD when kind == FrameKind.Item && _stack[_depth - 1].End < 0:
                // Missing item delimiter before the sequence delimiter: close both (DCMTK tolerates this too).
                CloseTop(ref visitor);
                return null;
            default:
                return Fail(reader, $"Unexpected {tag} {(kind is { } k ? "in a " + Describe(k) : "at the top level of the data set")}", pos, tag);
        }
    }

    private bool IsSkipped(uint length) => _options.SkipValuesLongerThan is { } max && length > (long)max;

    private void BeginSkip(in DicomElementHeader header, DicomTag? fragmentsTag)
    {
        _skipped = header;
        _skippedFragmentsTag = fragmentsTag;
        _skipRemaining = header.Length;
    }

    /// <summary>Consumes what the input holds of a skipped value; a result when the input ends before the value does.</summary>
    private DataSetReadResult? ContinueSkip(ref SequenceReader<byte> reader, bool isFinalBlock)
    {
        var available = Math.Min(_skipRemaining, reader.Remaining);
        reader.Advance(available);
        _skipRemaining -= available;
        if (_skipRemaining == 0)
        {
            return null;
        }

        if (!isFinalBlock)
        {
            return Done(reader, DataSetReadStatus.NeedMoreData, null);
        }

        // The same errors as for a value held whole, so a file reads the same either way.
        var left = _skipped.Length - _skipRemaining;
        return _skippedFragmentsTag is { } fragmentsTag
            ? Fail(reader, FragmentPastEnd(_skipped.Length, left), _skipped.Offset, fragmentsTag)
            : Fail(reader, ValuePastEnd(_skipped.Length, left), _skipped.Offset, _skipped.Tag);
    }

    private static string ValuePastEnd(uint length, long left) => $"Value length {length} runs past the end of the data ({left} bytes left)";

    private static string FragmentPastEnd(uint length, long left) => $"Fragment length {length} runs past the end of the data ({left} bytes left)";

    private DataSetReadResult NeedMore(SequenceReader<byte> reader, bool isFinalBlock, long pos, DicomTag tag) =>
        isFinalBlock
            ? Fail(reader, "Data set is truncated inside an element header", pos, tag)
            : Done(reader, DataSetReadStatus.NeedMoreData, null);

    private void Push(FrameKind kind, DicomTag tag, long end, bool explicitVr, bool littleEndian)
    {
        if (_depth == _stack.Length)
        {
            Array.Resize(ref _stack, Math.Max(8, _stack.Length * 2));
        }

        _stack[_depth++] = new Frame(kind, tag, end, explicitVr, littleEndian);
    }

    private void CloseTop<TVisitor>(ref TVisitor visitor)
        where TVisitor : IDataSetVisitor
    {
        var kind = _stack[--_depth].Kind;
        switch (kind)
        {
            case FrameKind.Sequence:
                visitor.OnSequenceEnd();
                break;
            case FrameKind.Item:
                visitor.OnItemEnd();
                break;
            default:
                visitor.OnFragmentsEnd();
                break;
        }
    }

    private DataSetReadResult Done(SequenceReader<byte> reader, DataSetReadStatus status, DicomReadError? error)
    {
        _position += reader.Consumed;
        return new DataSetReadResult(status, reader.Consumed, _position, error);
    }

    private DataSetReadResult Fail(SequenceReader<byte> reader, string message, long offset, DicomTag? tag)
    {
        _position += reader.Consumed;
        return new DataSetReadResult(DataSetReadStatus.Invalid, reader.Consumed, _position, new DicomReadError(message, offset, tag));
    }

    private readonly record struct Frame(FrameKind Kind, DicomTag Tag, long End, bool ExplicitVr, bool LittleEndian);
}
