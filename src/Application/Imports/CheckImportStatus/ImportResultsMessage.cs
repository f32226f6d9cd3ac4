using System.Globalization;
using System.Text;
using ImagingGateway.Application.Common.Ports;

namespace ImagingGateway.Application.Imports.CheckImportStatus;

/// <summary>The one-line summary of a finished import kept in the job's message.</summary>
public static class ImportResultsMessage
{
    public const int MaxListedFailures = 5;

    /// <summary>e.g. "imported 12 of 13 files; 1 failed: dicom/…/1.2.3.dcm: invalid transfer syntax".</summary>
    public static string Format(ImportJobResults results, string? serviceMessage)
    {
        var text = new StringBuilder();
        if (!string.IsNullOrWhiteSpace(serviceMessage))
        {
            text.Append(serviceMessage.Trim()).Append("; ");
        }

        text.Append(CultureInfo.InvariantCulture, $"imported {results.SucceededFiles} of {results.TotalFiles} files");
        if (results.FailedFiles > 0 || results.Failures.Count > 0)
        {
            var failed = Math.Max(results.FailedFiles, results.Failures.Count);
            text.Append(CultureInfo.InvariantCulture, $"; {failed} failed");
            var listed = results.Failures.Take(MaxListedFailures).Select(f => $"{f.InputFile}: {f.Reason}").ToList();
            if (listed.Count > 0)
            {
                text.Append(": ").Append(string.Join(", ", listed));
            }

            if (results.Failures.Count > listed.Count)
            {
                text.Append(CultureInfo.InvariantCulture, $" and {results.Failures.Count - listed.Count} more");
            }
        }

        return text.ToString();
    }
}
