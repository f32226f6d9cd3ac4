using System.Buffers;
using System.IO.Compression;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Metadata;
using ImagingGateway.Dicom.Reading;

namespace ImagingGateway.Application.Instances;

/// <summary>
/// Watches the first bytes of a data set as they stream past and reads its header from them, without holding
/// more than the header: it keeps a copy of the prefix only until the header is decided (read, or invalid).
/// Attempts are made each time the prefix doubles, so the work stays linear in the header's size.
/// </summary>
public sealed class DataSetHeaderSniffer(TransferSyntax transferSyntax, int maxHeaderBytes = DataSetHeaderSniffer.DefaultMaxHeaderBytes)
{
    public const int DefaultMaxHeaderBytes = 8 << 20;

    /// <summary>Read up to and including Series Instance UID (0020,000E): all that storing needs.</summary>
    public static ReadOptions HeaderOptions { get; } = new() { StopAtTag = new DicomTag(0x0020, 0x000F) };

    private byte[] _prefix = new byte[4096];
    private int _length;
    private int _nextAttempt = 1024;

    /// <summary>The decision, once made; null while more bytes are needed.</summary>
    public HeaderReadResult? Result { get; private set; }

    /// <summary>
    /// Offers the next bytes of the data set. Does nothing once the header is decided. The bytes are taken up to the
    /// next attempt at a time, so a large fragment (a whole PDV of a C-STORE) whose first bytes hold the header is
    /// not copied: the prefix stays about twice the header's size.
    /// </summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        while (Result is null && !bytes.IsEmpty)
        {
            var take = Math.Min(bytes.Length, Math.Min(_nextAttempt, maxHeaderBytes) - _length);
            if (_length + take > _prefix.Length)
            {
                Array.Resize(ref _prefix, Math.Min(Math.Max(_prefix.Length * 2, _length + take), maxHeaderBytes));
            }

            bytes[..take].CopyTo(_prefix.AsSpan(_length));
            _length += take;
            bytes = bytes[take..];
            if (_length >= _nextAttempt || _length == maxHeaderBytes)
            {
                Attempt(isFinalBlock: false);
                _nextAttempt = Math.Max(_nextAttempt * 2, _length);
            }
        }
    }

    /// <summary>The data set ended: decides with what there is.</summary>
    public HeaderReadResult Finish()
    {
        if (Result is null)
        {
            Attempt(isFinalBlock: true);
        }

        return Result!;
    }

    private void Attempt(bool isFinalBlock)
    {
        var full = _length == maxHeaderBytes;
        HeaderReadResult result;
        if (transferSyntax.IsDeflated)
        {
            if (!TryInflate(_prefix.AsSpan(0, _length), isFinalBlock, out var inflated, out var error))
            {
                Result = Invalid(error);
                return;
            }

            result = InstanceHeaderReader.ReadDataSet(new ReadOnlySequence<byte>(inflated), transferSyntax, isFinalBlock, HeaderOptions);
        }
        else
        {
            result = InstanceHeaderReader.ReadDataSet(new ReadOnlySequence<byte>(_prefix, 0, _length), transferSyntax, isFinalBlock, HeaderOptions);
        }

        if (result.Status != HeaderReadStatus.NeedMoreData)
        {
            Result = result;
        }
        else if (full)
        {
            Result = Invalid($"the header (up to Series Instance UID) is not within the first {maxHeaderBytes} bytes");
        }

        if (Result is not null)
        {
            _prefix = [];
        }
    }

    private static HeaderReadResult Invalid(string message) =>
        new(HeaderReadStatus.Invalid, null, null, new DicomReadError(message, 0));

    // PS3.5 A.5: the whole data set is one raw Deflate stream. Inflate what the prefix holds; a cut-off stream
    // simply yields less, while corrupt data throws.
    private static bool TryInflate(ReadOnlySpan<byte> deflated, bool isFinalBlock, out byte[] inflated, out string error)
    {
        using var input = new MemoryStream(deflated.ToArray(), writable: false);
        using var inflater = new DeflateStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[16 * 1024];
        error = string.Empty;
        try
        {
            int read;
            while ((read = inflater.Read(buffer)) > 0)
            {
                output.Write(buffer, 0, read);
                if (output.Length > DefaultMaxHeaderBytes * 4L)
                {
                    break; // the header is near the start; no need to inflate a bomb
                }
            }
        }
        catch (InvalidDataException ex) when (isFinalBlock || output.Length == 0)
        {
            inflated = [];
            error = $"the deflated data set is corrupt: {ex.Message}";
            return false;
        }
        catch (InvalidDataException)
        {
            // A prefix cut mid-block: use what inflated cleanly.
        }

        inflated = output.ToArray();
        return true;
    }
}
