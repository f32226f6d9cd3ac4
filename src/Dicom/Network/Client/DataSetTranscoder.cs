using ImagingGateway.Dicom.DataSets;
using ImagingGateway.Dicom.Dictionary;
using ImagingGateway.Dicom.Network.Associations;
using ImagingGateway.Dicom.Writing;

namespace ImagingGateway.Dicom.Network.Client;

/// <summary>
/// Re-encodes the data set of an uncompressed Part 10 file (Implicit VR LE, Explicit VR LE, Explicit VR BE) in Explicit
/// or Implicit VR Little Endian, for a peer that did not accept the file's own transfer syntax. The data set is parsed in
/// memory (<see cref="DataSetParser"/>) and written again (<see cref="DataSetWriter"/>): values keep their bytes, binary
/// values are byte-swapped from big endian, and VRs come from the dictionary when the source is implicit.
/// </summary>
public static class DataSetTranscoder
{
    /// <summary>The transfer syntaxes we fall back to, in order of preference.</summary>
    public static IReadOnlyList<string> FallbackSyntaxes { get; } = [NetworkUids.ExplicitVrLittleEndian, NetworkUids.ImplicitVrLittleEndian];

    /// <summary>True for the native (uncompressed, not deflated) transfer syntaxes that can be converted to a fallback.</summary>
    public static bool CanTranscode(string transferSyntaxUid) =>
        transferSyntaxUid is NetworkUids.ImplicitVrLittleEndian or NetworkUids.ExplicitVrLittleEndian or NetworkUids.ExplicitVrBigEndian;

    /// <summary>Reads the file's data set and returns it encoded in <paramref name="targetSyntaxUid"/>.</summary>
    /// <exception cref="DicomNetworkException">The data set cannot be parsed or cannot be expressed in the target syntax.</exception>
    public static async Task<byte[]> TranscodeAsync(Part10FileInfo file, string targetSyntaxUid, CancellationToken cancellationToken)
    {
        if (!CanTranscode(file.TransferSyntaxUid) || !FallbackSyntaxes.Contains(targetSyntaxUid))
        {
            throw new ArgumentException($"Cannot transcode {file.TransferSyntaxUid} to {targetSyntaxUid}.", nameof(targetSyntaxUid));
        }

        var bytes = new byte[checked((int)file.DataSetLength)];
        var stream = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            stream.Position = file.DataSetOffset;
            await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var dataSet = DataSetParser.Parse(bytes, TransferSyntax.Lookup(file.TransferSyntaxUid));
            return DataSetWriter.Encode(dataSet, TransferSyntax.Lookup(targetSyntaxUid));
        }
        catch (Exception e) when (e is DicomFormatException or InvalidOperationException)
        {
            throw new DicomNetworkException($"Transfer syntax {file.TransferSyntaxUid} not accepted by the peer for SOP class {file.SopClassUid}, and conversion to {targetSyntaxUid} failed: {e.Message}", e);
        }
    }
}
