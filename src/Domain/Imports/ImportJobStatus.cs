namespace ImagingGateway.Domain.Imports;

/// <summary>The status of an import job, as HealthImaging reports it (JobStatus in the MedicalImaging API).</summary>
public enum ImportJobStatus
{
    Submitted = 0,
    InProgress = 1,
    Completed = 2,
    Failed = 3,
}
