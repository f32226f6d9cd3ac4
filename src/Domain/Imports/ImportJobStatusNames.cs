using ImagingGateway.Domain.Common;

namespace ImagingGateway.Domain.Imports;

/// <summary>The wire names of <see cref="ImportJobStatus"/> (SUBMITTED, IN_PROGRESS, COMPLETED, FAILED).</summary>
public static class ImportJobStatusNames
{
    public static string ToWire(this ImportJobStatus status) => status switch
    {
        ImportJobStatus.Submitted => "SUBMITTED",
        ImportJobStatus.InProgress => "IN_PROGRESS",
        ImportJobStatus.Completed => "COMPLETED",
        ImportJobStatus.Failed => "FAILED",
        _ => throw new DomainException($"unknown job status {(int)status}", "jobStatus"),
    };

    public static ImportJobStatus Parse(string? value) => TryParse(value, out var status)
        ? status
        : throw new DomainException($"jobStatus: '{value}' is not one of SUBMITTED, IN_PROGRESS, COMPLETED, FAILED", "jobStatus");

    public static bool TryParse(string? value, out ImportJobStatus status)
    {
        switch (value)
        {
            case "SUBMITTED": status = ImportJobStatus.Submitted; return true;
            case "IN_PROGRESS": status = ImportJobStatus.InProgress; return true;
            case "COMPLETED": status = ImportJobStatus.Completed; return true;
            case "FAILED": status = ImportJobStatus.Failed; return true;
            default: status = default; return false;
        }
    }

    public static bool IsTerminal(this ImportJobStatus status) =>
        status is ImportJobStatus.Completed or ImportJobStatus.Failed;
}
