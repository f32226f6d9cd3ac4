using System.Text.Json.Nodes;
using ImagingGateway.Dicom;
using ImagingGateway.Dicom.Files;
using ImagingGateway.Dicom.Metadata;
using ImagingGateway.Dicom.Reading;

namespace ImagingGateway.Infrastructure.Local.Imaging;

/// <summary>
/// What HealthImaging checks of each input file, with our toolkit: a Part 10 file that parses to its end (a truncated
/// one fails, wherever it is cut), whose SOP Class, SOP Instance, Study and Series UIDs are present and valid, and whose
/// meta information agrees with its data set.
/// <para>
/// Memory stays bounded whatever the file size: the header is read up to Pixel Data, then the whole file is walked a
/// block at a time, long values (pixel data, fragments) checked for their length and skipped, and only the attributes
/// of the metadata kept.
/// </para>
/// </summary>
internal static class DicomFileInspector
{
    /// <summary>
    /// Values longer than this are skipped rather than held; the metadata's attributes (UIDs, names, dates, numbers)
    /// are far shorter, so the most a walk buffers is about this plus one block of the file.
    /// </summary>
    internal const int MaxHeldValueBytes = 64 * 1024;

    private static readonly ReadOptions WalkOptions = new() { SkipValuesLongerThan = MaxHeldValueBytes };

    public static async Task<InspectedFile> InspectAsync(string path, CancellationToken cancellationToken, long maxInflatedBytes = long.MaxValue)
    {
        try
        {
            // Unbuffered: the header reader and the walk read in blocks of their own.
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return await InspectAsync(stream, path, cancellationToken, maxInflatedBytes).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return InspectedFile.Invalid(path, $"file cannot be read: {ex.Message}");
        }
    }

    /// <summary>Inspects a file already open as a seekable <paramref name="stream"/> positioned at its start.</summary>
    /// <remarks>A deflated data set that inflates to more than <paramref name="maxInflatedBytes"/> is refused with that reason.</remarks>
    internal static async Task<InspectedFile> InspectAsync(Stream stream, string path, CancellationToken cancellationToken, long maxInflatedBytes = long.MaxValue)
    {
        var result = await InstanceHeaderReader.ReadFileAsync(stream, ReadOptions.StopAtPixelData, cancellationToken: cancellationToken).ConfigureAwait(false);
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

        // The whole file, elements after Pixel Data included: a metadata attribute there is kept, as when the file was
        // parsed whole in memory.
        DicomFile file;
        try
        {
            stream.Position = 0;
            file = await Part10Reader.ReadFileAsync(stream, WalkOptions, InstanceMetadata.IsNeeded, cancellationToken, maxInflatedBytes).ConfigureAwait(false);
        }
        catch (DicomFormatException ex)
        {
            return InspectedFile.Invalid(path, $"DICOM P10 file is truncated or corrupt after its header: {ex.Error}");
        }
        catch (InvalidDataException ex)
        {
            return InspectedFile.Invalid(path, $"deflated data set cannot be read: {ex.Message}");
        }

        var metadata = (JsonObject)JsonNode.Parse(InstanceMetadata.ToJson(file.DataSet))!;
        var h = result.Header;
        return new InspectedFile(path, h.SopClassUid, h.SopInstanceUid, h.StudyInstanceUid, h.SeriesInstanceUid, metadata, null);
    }
}
