namespace ImagingGateway.Application.Common.Ports;

/// <summary>How the import of one received instance ended.</summary>
public enum InstanceImportStatus
{
    /// <summary>The instance is in an image set (HealthImaging's <c>SUCCESS/success.ndjson</c> names it).</summary>
    Imported,

    /// <summary>The instance was not imported: rejected (<c>FAILURE/failure.ndjson</c>) or its job or batch failed.</summary>
    Failed,
}
