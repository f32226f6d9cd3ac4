using System.Buffers;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Dicom.Metadata;

namespace ImagingGateway.Application.Instances;

/// <summary>
/// Reads the header of a stored Part 10 file with ranged reads, fetching more only while the header needs it
/// (recovery of open batches, and TriggerImport checking a manifest's objects).
/// </summary>
public sealed class StoredInstanceReader(IInstanceStore store)
{
    public const int FirstRange = 64 * 1024;

    public async Task<HeaderReadResult?> ReadHeaderAsync(StoredObjectInfo info, CancellationToken cancellationToken)
    {
        var length = Math.Min(FirstRange, info.Size);
        while (true)
        {
            var bytes = await ReadRangeAsync(info.Key, length, cancellationToken);
            if (bytes is null)
            {
                return null; // deleted meanwhile
            }

            var isFinal = bytes.Length >= info.Size || bytes.Length < length;
            var result = InstanceHeaderReader.ReadFile(new ReadOnlySequence<byte>(bytes), isFinal, DataSetHeaderSniffer.HeaderOptions);
            if (result.Status != HeaderReadStatus.NeedMoreData || isFinal)
            {
                return result;
            }

            if (length >= DataSetHeaderSniffer.DefaultMaxHeaderBytes && !IsDeflated(result))
            {
                return result with { Status = HeaderReadStatus.Invalid };
            }

            // A deflated data set can only be inflated whole; otherwise double the range.
            length = IsDeflated(result) ? info.Size : Math.Min(length * 2, info.Size);
        }
    }

    private static bool IsDeflated(HeaderReadResult result) => result.Meta?.TransferSyntax.IsDeflated == true;

    private async Task<byte[]?> ReadRangeAsync(string key, long length, CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(key, new ByteRange(0, length), cancellationToken);
        if (stream is null)
        {
            return null;
        }

        using var buffer = new MemoryStream((int)Math.Min(length, int.MaxValue));
        await stream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
