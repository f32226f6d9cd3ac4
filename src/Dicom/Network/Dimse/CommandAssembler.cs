using System.Buffers;
using ImagingGateway.Dicom.Network.Pdus;

namespace ImagingGateway.Dicom.Network.Dimse;

/// <summary>
/// Collects the command fragments of one DIMSE message (PS3.7 9.3.1, PS3.8 Annex E): all on one presentation
/// context, ending with the fragment flagged last. Command sets are small, so these are copied; a data set never is.
/// </summary>
internal sealed class CommandAssembler
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private byte _contextId;

    public bool IsEmpty => _buffer.WrittenCount == 0;

    /// <summary>Adds a fragment; returns the command set when the last fragment arrived.</summary>
    /// <exception cref="PduFormatException">Fragments on different contexts or a command set over the size limit.</exception>
    public bool TryAdd(in PresentationDataValue pdv, out CommandSet? command, out byte contextId)
    {
        command = null;
        if (!IsEmpty && pdv.PresentationContextId != _contextId)
        {
            throw new PduFormatException(
                $"Command fragment on context {pdv.PresentationContextId} while assembling one on context {_contextId}.",
                AbortReason.UnexpectedPduParameter);
        }

        _contextId = pdv.PresentationContextId;
        contextId = _contextId;
        if (_buffer.WrittenCount + pdv.Fragment.Length > CommandSet.MaxEncodedLength)
        {
            throw new PduFormatException($"Command set longer than {CommandSet.MaxEncodedLength} bytes.", AbortReason.InvalidPduParameterValue);
        }

        foreach (var segment in pdv.Fragment)
        {
            _buffer.Write(segment.Span);
        }

        if (!pdv.IsLastFragment)
        {
            return false;
        }

        try
        {
            command = CommandSet.Parse(new ReadOnlySequence<byte>(_buffer.WrittenMemory));
        }
        finally
        {
            _buffer.ResetWrittenCount();
        }

        return true;
    }
}
