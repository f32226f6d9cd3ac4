namespace ImagingGateway.Lambda.Hosting;

/// <summary>The adapters one function composes: each handler gets only the ports its use case calls.</summary>
[Flags]
public enum LambdaPorts
{
    None = 0,

    /// <summary>S3: manifests and instance headers.</summary>
    InstanceStore = 1,

    /// <summary>DynamoDB: DicomImportJobTable.</summary>
    ImportJobs = 2,

    /// <summary>HealthImaging (and S3 reads of its job output).</summary>
    Imaging = 4,

    /// <summary>Step Functions: StartExecution / DescribeExecution.</summary>
    Workflow = 8,

    /// <summary>DynamoDB: the received-instance index (import outcomes).</summary>
    InstanceIndex = 16,
}
