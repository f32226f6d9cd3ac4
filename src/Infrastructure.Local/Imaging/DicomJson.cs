using System.Text.Json.Nodes;

namespace ImagingGateway.Infrastructure.Local.Imaging;

/// <summary>Reading values back from DICOM JSON (PS3.18 F.2) objects, as the toolkit's DicomJsonWriter writes them.</summary>
internal static class DicomJson
{
    /// <summary>The first value of a string attribute of a DICOM JSON object, or null.</summary>
    public static string? FirstString(JsonObject dataSet, string tag) =>
        dataSet[tag]?["Value"] is JsonArray { Count: > 0 } values ? values[0]?.GetValue<string>() : null;
}
