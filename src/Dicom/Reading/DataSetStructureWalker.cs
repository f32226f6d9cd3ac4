using System.Buffers;
using ImagingGateway.Dicom.Dictionary;

namespace ImagingGateway.Dicom.Reading;

/// <summary>
/// Follows the element structure of a data set (PS3.5 7) as its bytes stream past, keeping no values: element and item
/// lengths, sequence and item delimiters, and the nesting depth. It says whether the data set ends exactly on an
/// element boundary with every defined length honoured and no deeper nesting than <see cref="ReadOptions.MaxDepth"/>,
/// which is what a Part 10 reader (ours at import, DCMTK's, pydicom's) needs to read the stored file back.
/// </summary>
/// <remarks>
/// Each value is skipped as its bytes arrive (<see cref="ReadOptions.SkipValuesLongerThan"/> 0), so the only bytes
/// held between two calls are the start of an element header cut by a chunk boundary (under 12 bytes). The cost is
/// one header decode per element, independent of the value sizes.
/// </remarks>
public sealed class DataSetStructureWalker : IDataSetStructureWalk
{
    private const int MaxCarry = 12;

    private readonly DataSetReader _reader;
    private readonly byte[] _carry = new byte[2 * MaxCarry];
    private int _carryLength;
    private NoValues _visitor;

    public DataSetStructureWalker(TransferSyntax transferSyntax, int maxDepth = 64)
    {
        _reader = new DataSetReader(transferSyntax, new ReadOptions { SkipValuesLongerThan = 0, MaxDepth = maxDepth });
    }

    /// <summary>The first structural error, once one is found; the walk stops there.</summary>
    public DicomReadError? Error { get; private set; }

    /// <summary>Bytes of the data set seen so far.</summary>
    public long Position => _reader.Position + _carryLength;

    /// <summary>Walks the next bytes of the data set. Does nothing once an error was found.</summary>
    public void Append(ReadOnlyMemory<byte> bytes)
    {
        while (Error is null && !bytes.IsEmpty)
        {
            if (_carryLength == 0)
            {
                var result = _reader.Read(new ReadOnlySequence<byte>(bytes), isFinalBlock: false, ref _visitor);
                if (Check(result))
                {
                    Carry(bytes.Span[(int)result.Consumed..]);
                }

                return;
            }

            // A header was cut: complete it from the new bytes in the small buffer, then go on in the caller's memory.
            var take = Math.Min(bytes.Length, _carry.Length - _carryLength);
            bytes.Span[..take].CopyTo(_carry.AsSpan(_carryLength));
            var held = _carryLength;
            var joined = _carryLength + take;
            var read = _reader.Read(new ReadOnlySequence<byte>(_carry, 0, joined), isFinalBlock: false, ref _visitor);
            if (!Check(read))
            {
                return;
            }

            if (read.Consumed >= held)
            {
                _carryLength = 0;
                bytes = bytes[(int)(read.Consumed - held)..];
            }
            else
            {
                // Still not a whole header: every new byte went into the buffer.
                _carry.AsSpan((int)read.Consumed, joined - (int)read.Consumed).CopyTo(_carry);
                _carryLength = joined - (int)read.Consumed;
                bytes = bytes[take..];
            }
        }
    }

    /// <summary>The data set ended: null when it is well formed, else the error.</summary>
    public DicomReadError? Finish()
    {
        if (Error is null)
        {
            var result = _reader.Read(new ReadOnlySequence<byte>(_carry, 0, _carryLength), isFinalBlock: true, ref _visitor);
            _carryLength = 0;
            if (result.Status != DataSetReadStatus.Completed)
            {
                Error = result.Error ?? new DicomReadError("Data set does not end on an element boundary", _reader.Position);
            }
        }

        return Error;
    }

    private bool Check(DataSetReadResult result)
    {
        if (result.Status == DataSetReadStatus.Invalid)
        {
            Error = result.Error;
            return false;
        }

        return true;
    }

    private void Carry(ReadOnlySpan<byte> rest)
    {
        if (rest.Length > MaxCarry)
        {
            // Cannot happen with every value skipped; kept as an error rather than unbounded buffering.
            Error = new DicomReadError($"{rest.Length} bytes could not be walked", _reader.Position);
            return;
        }

        rest.CopyTo(_carry);
        _carryLength = rest.Length;
    }

    /// <summary>Values are never looked at: the walk is about boundaries only.</summary>
    private struct NoValues : IDataSetVisitor
    {
        public readonly void OnElement(in DicomElementHeader header, ReadOnlySequence<byte> value)
        {
        }

        public readonly void OnSequenceStart(in DicomElementHeader header)
        {
        }

        public readonly void OnItemStart(long offset, uint length)
        {
        }

        public readonly void OnItemEnd()
        {
        }

        public readonly void OnSequenceEnd()
        {
        }

        public readonly void OnFragmentsStart(in DicomElementHeader header)
        {
        }

        public readonly void OnFragment(long offset, ReadOnlySequence<byte> value)
        {
        }

        public readonly void OnFragmentsEnd()
        {
        }

        public readonly void OnSkippedValue(in DicomElementHeader header)
        {
        }
    }
}
