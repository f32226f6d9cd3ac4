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
            if (await ReadRangeAsync(info.Key, length, cancellationToken) is not { } bytes)
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

    /// <summary>The first <paramref name="length"/> bytes (fewer if the object is shorter), read into one array of that size.</summary>
    private async Task<ReadOnlyMemory<byte>?> ReadRangeAsync(string key, long length, CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(key, new ByteRange(0, length), cancellationToken);
        if (stream is null)
        {
            return null;
        }

        var bytes = new byte[checked((int)length)];
        var read = await stream.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, cancellationToken);
        return bytes.AsMemory(0, read);
    }
}
