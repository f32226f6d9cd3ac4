using System.Text.Json.Nodes;

namespace ImagingGateway.Infrastructure.Local.Imaging;

/// <summary>One input file after validation: its identifying UIDs and DICOM JSON, or why it cannot be imported.</summary>
internal sealed record InspectedFile(
    string Path,
    string? SopClassUid,
    string? SopInstanceUid,
    string? StudyInstanceUid,
    string? SeriesInstanceUid,
    JsonObject? Metadata,
    string? Failure)
{
    public bool IsValid => Failure is null;

    public static InspectedFile Invalid(string path, string reason) => new(path, null, null, null, null, null, reason);
}
