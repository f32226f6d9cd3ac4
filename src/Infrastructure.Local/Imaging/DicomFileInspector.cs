using System.Text.Json.Nodes;
using ImagingGateway.Dicom;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Metadata;
using ImagingGateway.Dicom.Reading;

namespace ImagingGateway.Infrastructure.Local.Imaging;

/// <summary>
/// What HealthImaging checks of each input file, with our toolkit: a Part 10 file that parses, whose SOP Class,
/// SOP Instance, Study and Series UIDs are present and valid, and whose meta information agrees with its data set.
/// A file small enough is parsed to its end, so a truncated one fails too.
/// </summary>
internal static class DicomFileInspector
{
    public static async Task<InspectedFile> InspectAsync(string path, long maxFullyValidatedBytes, CancellationToken cancellationToken)
    {
        HeaderReadResult result;
        long size;
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
            size = stream.Length;
            result = await InstanceHeaderReader.ReadFileAsync(stream, ReadOptions.StopAtPixelData, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return InspectedFile.Invalid(path, $"file cannot be read: {ex.Message}");
        }

        if (result.Status != HeaderReadStatus.Completed || result.Header is null)
        {
            var why = result.Error?.ToString() ?? "the header ends before its last element";
            return InspectedFile.Invalid(path, $"not a valid DICOM P10 file: {why}");
        }

        if (result.Meta is null)
        {
            return InspectedFile.Invalid(path, "not a DICOM P10 file: no file meta information (0002,xxxx)");
        }

        var errors = InstanceValidator.Validate(result.Header, result.Meta);
        if (errors.Count > 0)
        {
            return InspectedFile.Invalid(path, string.Join("; ", errors.Select(e => e.ToString())));
        }

        // Metadata from the toolkit's data set model: the whole file when small enough (so a truncated one fails),
        // otherwise only the bytes before Pixel Data.
        // A deflated data set has no usable file offset for its header end, so it is always read whole.
        var fully = size <= maxFullyValidatedBytes || result.Meta.TransferSyntax.IsDeflated;
        DicomFile file;
        try
        {
            var bytes = fully ? await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false) : await ReadPrefixAsync(path, result.Header.EndOffset, cancellationToken).ConfigureAwait(false);
            file = Part10Reader.ReadFile(bytes, fully ? ReadOptions.Default : ReadOptions.StopAtPixelData);
        }
        catch (DicomFormatException ex)
        {
            return InspectedFile.Invalid(path, $"DICOM P10 file is truncated or corrupt after its header: {ex.Error}");
        }
        catch (InvalidDataException ex)
        {
            return InspectedFile.Invalid(path, $"deflated data set is corrupt: {ex.Message}");
        }

        var metadata = (JsonObject)JsonNode.Parse(InstanceMetadata.ToJson(file.DataSet))!;
        var h = result.Header;
        return new InspectedFile(path, h.SopClassUid, h.SopInstanceUid, h.StudyInstanceUid, h.SeriesInstanceUid, metadata, null);
    }

    private static async Task<byte[]> ReadPrefixAsync(string path, long length, CancellationToken cancellationToken)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        var buffer = new byte[length];
        var filled = 0;
        while (filled < length)
        {
            var read = await RandomAccess.ReadAsync(handle, buffer.AsMemory(filled), filled, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return buffer[..filled];
    }
}
