namespace ImagingGateway.Gateway.Configuration;

/// <summary>Configuration section <c>Gateway:Adapters</c>: which technology backs each port. Default: everything local.</summary>
public sealed class AdapterOptions
{
    public StorageAdapter Storage { get; set; } = StorageAdapter.FileSystem;

    public JobsAdapter Jobs { get; set; } = JobsAdapter.Sqlite;

    public WorkflowAdapter Workflow { get; set; } = WorkflowAdapter.InProcess;

    public ImagingAdapter Imaging { get; set; } = ImagingAdapter.Local;

    public bool IsAllLocal =>
        Storage == StorageAdapter.FileSystem && Jobs == JobsAdapter.Sqlite
        && Workflow == WorkflowAdapter.InProcess && Imaging == ImagingAdapter.Local;
}

public enum StorageAdapter
{
    FileSystem = 0,
    S3 = 1,
}

public enum JobsAdapter
{
    Sqlite = 0,
    DynamoDb = 1,
}

public enum WorkflowAdapter
{
    InProcess = 0,
    StepFunctions = 1,
}

public enum ImagingAdapter
{
    Local = 0,
    HealthImaging = 1,
}
