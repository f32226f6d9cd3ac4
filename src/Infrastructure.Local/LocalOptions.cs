using ImagingGateway.Infrastructure.Local.FileSystem;
using ImagingGateway.Infrastructure.Local.Imaging;
using ImagingGateway.Infrastructure.Local.Workflow;

namespace ImagingGateway.Infrastructure.Local;

/// <summary>
/// Settings of the embedded adapters. Everything lives under <see cref="DataDirectory"/> (<c>Gateway:DataDirectory</c>):
/// <code>
/// {data}/instances/   the instance store (S3 key layout; .incoming/ holds uploads in progress)
/// {data}/gateway.db   SQLite: DicomImportJobTable, the workflow executions and the received-instance index (instances)
/// {data}/imaging/     the local HealthImaging: imaging.db (its jobs, image sets) and datastores/ (DICOM JSON per version)
/// {data}/results/     import results ({batchId}/{datastoreId}-DicomImport-{jobId}/...)
/// </code>
/// The sub-options tune each adapter; their folder settings are derived from <see cref="DataDirectory"/>.
/// </summary>
public sealed class LocalOptions
{
    public string DataDirectory { get; set; } = "./data";

    public FileSystemStoreOptions Storage { get; set; } = new();

    public InProcessWorkflowOptions Workflow { get; set; } = new();

    public LocalImagingOptions Imaging { get; set; } = new();

    public string DataPath => Path.GetFullPath(DataDirectory);

    public string InstancesDirectory => Path.Combine(DataPath, "instances");

    public string DatabasePath => Path.Combine(DataPath, "gateway.db");

    public string ImagingDirectory => Path.Combine(DataPath, "imaging");

    public string ImagingDatabasePath => Path.Combine(ImagingDirectory, "imaging.db");

    public string ResultsDirectory => Path.Combine(DataPath, "results");

    /// <summary>The value for <c>ImportOptions.ResultsLocation</c> in local mode: <c>file:///{data}/results/</c>.</summary>
    public string ResultsLocation => new Uri(ResultsDirectory + Path.DirectorySeparatorChar).AbsoluteUri;

    /// <summary>Points every adapter's folders below <see cref="DataDirectory"/>.</summary>
    public LocalOptions Resolve()
    {
        Storage.RootDirectory = InstancesDirectory;
        Imaging.Directory = ImagingDirectory;
        Imaging.InputRoot = InstancesDirectory;
        return this;
    }
}
