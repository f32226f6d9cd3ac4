using System.Buffers;
using ImagingGateway.Dicom.Files;

namespace ImagingGateway.Dicom.Network.Client;

/// <summary>
/// What the SCU needs from a Part 10 file (PS3.10 7.1): SOP class and instance from the file meta information, its
/// transfer syntax, and where the data set starts. Only the preamble and group 0002 are read (via <see cref="Part10Reader"/>);
/// the data set is later streamed from <see cref="DataSetOffset"/> as it is.
/// </summary>
public sealed record Part10FileInfo(string Path, string SopClassUid, string SopInstanceUid, string TransferSyntaxUid, long DataSetOffset, long Length)
{
    public long DataSetLength => Length - DataSetOffset;

    /// <exception cref="InvalidDataException">Not a Part 10 file, or its meta information lacks a required element.</exception>
    public static Part10FileInfo Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        var buffer = new byte[4096];
        var filled = 0;
        while (true)
        {
            var read = stream.Read(buffer, filled, buffer.Length - filled);
            filled += read;
            var result = Part10Reader.ReadFileMeta(new ReadOnlySequence<byte>(buffer, 0, filled), isFinalBlock: read == 0);
            switch (result.Status)
            {
                case FileMetaReadStatus.Completed when result.Meta is { HasPreamble: true } meta
                    && !string.IsNullOrEmpty(meta.MediaStorageSopClassUid) && !string.IsNullOrEmpty(meta.MediaStorageSopInstanceUid)
                    && !string.IsNullOrEmpty(meta.TransferSyntaxUid):
                    return new Part10FileInfo(path, meta.MediaStorageSopClassUid, meta.MediaStorageSopInstanceUid, meta.TransferSyntaxUid,
                        result.DataSetOffset, stream.Length);
                case FileMetaReadStatus.Completed:
                    throw new InvalidDataException($"{path}: no file meta information with SOP Class/Instance UID and Transfer Syntax UID.");
                case FileMetaReadStatus.Invalid:
                    throw new InvalidDataException($"{path}: {result.Error?.ToString() ?? "not a DICOM Part 10 file"}.");
            }

            if (read == 0 || buffer.Length >= 1 << 20)
            {
                throw new InvalidDataException($"{path}: file meta information is truncated or larger than 1 MiB.");
            }

            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
        }
    }
}
