using System.Globalization;
using System.Text.Json.Nodes;
using ImagingGateway.Dicom.Metadata;

namespace ImagingGateway.Infrastructure.Local.Imaging;

/// <summary>
/// An instance's header attributes in the DICOM JSON Model (PS3.18 F.2): an object keyed by the 8-hex-digit tag,
/// each attribute <c>{"vr": …, "Value": [...]}</c>; PN values as <c>{"Alphabetic", "Ideographic", "Phonetic"}</c>
/// (F.2.2), IS and US as JSON numbers (F.2.3), multiple values split at the backslash, empty values without "Value".
/// </summary>
internal static class DicomJson
{
    public static JsonObject FromHeader(InstanceHeader h, string? transferSyntaxUid)
    {
        var o = new JsonObject();
        Text(o, "00080005", "CS", h.SpecificCharacterSet);
        Text(o, "00080016", "UI", h.SopClassUid);
        Text(o, "00080018", "UI", h.SopInstanceUid);
        Text(o, "00080020", "DA", h.StudyDate);
        Text(o, "00080030", "TM", h.StudyTime);
        Text(o, "00080050", "SH", h.AccessionNumber);
        Text(o, "00080060", "CS", h.Modality);
        Text(o, "00081030", "LO", h.StudyDescription);
        Text(o, "0008103E", "LO", h.SeriesDescription);
        PersonName(o, "00100010", h.PatientName);
        Text(o, "00100020", "LO", h.PatientId);
        Text(o, "00100030", "DA", h.PatientBirthDate);
        Text(o, "00100040", "CS", h.PatientSex);
        Text(o, "0020000D", "UI", h.StudyInstanceUid);
        Text(o, "0020000E", "UI", h.SeriesInstanceUid);
        Text(o, "00200010", "SH", h.StudyId);
        IntegerString(o, "00200011", h.SeriesNumber);
        IntegerString(o, "00200013", h.InstanceNumber);
        IntegerString(o, "00280008", h.NumberOfFrames);
        Number(o, "00280010", "US", h.Rows);
        Number(o, "00280011", "US", h.Columns);
        Text(o, "00020010", "UI", transferSyntaxUid);
        return o;
    }

    /// <summary>The first value of a string attribute of a DICOM JSON object, or null.</summary>
    public static string? FirstString(JsonObject dataSet, string tag) =>
        dataSet[tag]?["Value"] is JsonArray { Count: > 0 } values ? values[0]?.GetValue<string>() : null;

    private static void Text(JsonObject o, string tag, string vr, string? value)
    {
        if (value is null)
        {
            return;
        }

        var attribute = new JsonObject { ["vr"] = vr };
        var trimmed = value.TrimEnd(' ', '\0');
        if (trimmed.Length > 0)
        {
            var values = new JsonArray();
            foreach (var part in trimmed.Split('\\'))
            {
                values.Add(vr is "UI" or "CS" or "DA" or "TM" ? part.Trim(' ', '\0') : part);
            }

            attribute["Value"] = values;
        }

        o[tag] = attribute;
    }

    private static void PersonName(JsonObject o, string tag, string? value)
    {
        if (value is null)
        {
            return;
        }

        var attribute = new JsonObject { ["vr"] = "PN" };
        var trimmed = value.TrimEnd(' ', '\0');
        if (trimmed.Length > 0)
        {
            var values = new JsonArray();
            foreach (var name in trimmed.Split('\\'))
            {
                var groups = name.Split('=');
                var pn = new JsonObject();
                string[] keys = ["Alphabetic", "Ideographic", "Phonetic"];
                for (var i = 0; i < Math.Min(groups.Length, keys.Length); i++)
                {
                    if (groups[i].Length > 0)
                    {
                        pn[keys[i]] = groups[i];
                    }
                }

                values.Add(pn);
            }

            attribute["Value"] = values;
        }

        o[tag] = attribute;
    }

    private static void IntegerString(JsonObject o, string tag, string? value)
    {
        if (value is null)
        {
            return;
        }

        var attribute = new JsonObject { ["vr"] = "IS" };
        var values = new JsonArray();
        foreach (var part in value.Trim(' ', '\0').Split('\\', StringSplitOptions.RemoveEmptyEntries))
        {
            // A malformed IS is kept as text rather than dropped, so nothing read is lost.
            if (long.TryParse(part.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                values.Add(number);
            }
            else
            {
                values.Add(part.Trim());
            }
        }

        if (values.Count > 0)
        {
            attribute["Value"] = values;
        }

        o[tag] = attribute;
    }

    private static void Number(JsonObject o, string tag, string vr, int? value)
    {
        if (value is { } v)
        {
            o[tag] = new JsonObject { ["vr"] = vr, ["Value"] = new JsonArray(v) };
        }
    }
}
