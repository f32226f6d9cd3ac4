using System.Buffers;
using ImagingGateway.Application.Common.Ports;
using ImagingGateway.Dicom.Metadata;

namespace ImagingGateway.Application.Instances;

/// <summary>
/// Reads the header of a stored Part 10 file with ranged reads, each range following the last and each twice as long,
/// fetching more only while the header needs it (recovery of open batches, and TriggerImport checking a manifest's
/// objects). A deflated data set (PS3.5 A.5) is inflated only as far as its header.
/// </summary>
public sealed class StoredInstanceReader(IInstanceStore store)
{
    public const int FirstRange = 64 * 1024;

    /// <summary>The header, or null when the object was deleted meanwhile.</summary>
    public async Task<HeaderReadResult?> ReadHeaderAsync(StoredObjectInfo info, CancellationToken cancellationToken)
    {
        var reader = InstanceHeaderReader.ForFile(InstanceChecks.HeaderOptions, InstanceChecks.MaxHeaderBytes);
        var buffer = new byte[(int)Math.Min(FirstRange, Math.Max(info.Size, 1))];
        long offset = 0;
        while (offset < info.Size)
        {
            var length = (int)Math.Min(buffer.Length, info.Size - offset);
            await using var stream = await store.OpenReadAsync(info.Key, new ByteRange(offset, length), cancellationToken);
            if (stream is null)
            {
                return null;
            }

            var read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, length), length, throwOnEndOfStream: false, cancellationToken);
            if (read == 0 || !reader.Write(new ReadOnlySequence<byte>(buffer, 0, read)))
            {
                break;
            }

            offset += read;
            if (buffer.Length < InstanceChecks.MaxHeaderBytes)
            {
                buffer = new byte[buffer.Length * 2];
            }
        }

        return reader.Finish();
    }
}
