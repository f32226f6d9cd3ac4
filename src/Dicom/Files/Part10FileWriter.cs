using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using ImagingGateway.Dicom.Dictionary;

namespace ImagingGateway.Dicom.Files;

/// <summary>
/// Streaming Part 10 writer (PS3.10 7.1): writes the preamble, "DICM" and the file meta group (Explicit VR Little
/// Endian, with its group length), then passes the data set bytes through unchanged, so the data set in the file is
/// byte for byte what was received. Nothing is buffered beyond the meta header.
/// </summary>
public sealed class Part10FileWriter(Stream destination)
{
    private bool _headerWritten;

    /// <summary>Data set bytes written so far.</summary>
    public long DataSetLength { get; private set; }

    /// <summary>Total bytes written (header + data set).</summary>
    public long Length { get; private set; }

    /// <summary>Encodes preamble + DICM + meta group.</summary>
    public static byte[] EncodeHeader(DicomFileMetaInformation meta)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        buffer.GetSpan(Part10Reader.PreambleLength)[..Part10Reader.PreambleLength].Clear();
        buffer.Advance(Part10Reader.PreambleLength);
        buffer.Write("DICM"u8);

        var group = new ArrayBufferWriter<byte>(256);
        WriteElement(group, 0x0001, DicomVr.OB, meta.FileMetaInformationVersion.Span);
        WriteUid(group, 0x0002, meta.MediaStorageSopClassUid);
        WriteUid(group, 0x0003, meta.MediaStorageSopInstanceUid);
        WriteUid(group, 0x0010, meta.TransferSyntaxUid);
        WriteUid(group, 0x0012, meta.ImplementationClassUid);
        WriteText(group, 0x0013, DicomVr.SH, meta.ImplementationVersionName);
        WriteText(group, 0x0016, DicomVr.AE, meta.SourceApplicationEntityTitle);
        WriteText(group, 0x0017, DicomVr.AE, meta.SendingApplicationEntityTitle);
        WriteText(group, 0x0018, DicomVr.AE, meta.ReceivingApplicationEntityTitle);

        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)group.WrittenCount);
        WriteElement(buffer, 0x0000, DicomVr.UL, length);
        buffer.Write(group.WrittenSpan);
        return buffer.WrittenSpan.ToArray();
    }

    public void WriteFileMetaInformation(DicomFileMetaInformation meta)
    {
        EnsureNoHeader();
        var header = EncodeHeader(meta);
        destination.Write(header);
        Length += header.Length;
        _headerWritten = true;
    }

    public async ValueTask WriteFileMetaInformationAsync(DicomFileMetaInformation meta, CancellationToken cancellationToken = default)
    {
        EnsureNoHeader();
        var header = EncodeHeader(meta);
        await destination.WriteAsync(header, cancellationToken).ConfigureAwait(false);
        Length += header.Length;
        _headerWritten = true;
    }

    /// <summary>Appends raw data set bytes (e.g. one P-DATA fragment) without looking at them.</summary>
    public void WriteDataSet(ReadOnlySpan<byte> bytes)
    {
        EnsureHeader();
        destination.Write(bytes);
        DataSetLength += bytes.Length;
        Length += bytes.Length;
    }

    public async ValueTask WriteDataSetAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        EnsureHeader();
        await destination.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        DataSetLength += bytes.Length;
        Length += bytes.Length;
    }

    public async ValueTask WriteDataSetAsync(ReadOnlySequence<byte> bytes, CancellationToken cancellationToken = default)
    {
        foreach (var segment in bytes)
        {
            await WriteDataSetAsync(segment, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task FlushAsync(CancellationToken cancellationToken = default) => destination.FlushAsync(cancellationToken);

    private static void WriteUid(IBufferWriter<byte> writer, ushort element, string uid)
    {
        var bytes = Encoding.ASCII.GetBytes(uid);
        WriteElement(writer, element, DicomVr.UI, bytes);
    }

    private static void WriteText(IBufferWriter<byte> writer, ushort element, DicomVr vr, string? text)
    {
        if (text is null)
        {
            return;
        }

        WriteElement(writer, element, vr, Encoding.ASCII.GetBytes(text));
    }

    /// <summary>One explicit VR little endian element, padded to even length (NUL for UI/OB, space for text).</summary>
    private static void WriteElement(IBufferWriter<byte> writer, ushort element, DicomVr vr, ReadOnlySpan<byte> value)
    {
        var padded = value.Length + (value.Length & 1);
        var longLength = vr.HasLongExplicitLength();
        var headerLength = longLength ? 12 : 8;
        var span = writer.GetSpan(headerLength + padded);
        BinaryPrimitives.WriteUInt16LittleEndian(span, 0x0002);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], element);
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], (ushort)vr);
        if (longLength)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span[6..], 0);
            BinaryPrimitives.WriteUInt32LittleEndian(span[8..], (uint)padded);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span[6..], (ushort)padded);
        }

        value.CopyTo(span[headerLength..]);
        if (padded != value.Length)
        {
            span[headerLength + value.Length] = vr.PaddingByte();
        }

        writer.Advance(headerLength + padded);
    }

    private void EnsureNoHeader()
    {
        if (_headerWritten)
        {
            throw new InvalidOperationException("The file meta information was already written");
        }
    }

    private void EnsureHeader()
    {
        if (!_headerWritten)
        {
            throw new InvalidOperationException("Write the file meta information before the data set");
        }
    }
}
