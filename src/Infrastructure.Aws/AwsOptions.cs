namespace ImagingGateway.Infrastructure.Aws;

/// <summary>Configuration section <c>Gateway:Aws</c> (environment: <c>GATEWAY__AWS__*</c>), see docs/aws.md.</summary>
public sealed class AwsOptions
{
    public const string SectionName = "Gateway:Aws";

    /// <summary>Minimum S3 part size (every part but the last).</summary>
    public const int MinimumPartSize = 5 * 1024 * 1024;

    /// <summary>Region name (eu-west-1); empty: the standard chain (AWS_REGION, AWS_DEFAULT_REGION, profile, IMDS).</summary>
    public string? Region { get; set; }

    /// <summary>Bucket holding instances (<c>dicom/…</c>) and batch manifests (<c>batches/…</c>).</summary>
    public string DicomBucket { get; set; } = string.Empty;

    /// <summary>Bucket HealthImaging writes its job output to.</summary>
    public string ResultsBucket { get; set; } = string.Empty;

    /// <summary>Physical name of DicomImportJobTable.</summary>
    public string JobTable { get; set; } = string.Empty;

    /// <summary>Physical name of the received-instance table (the DynamoDB received-instance index).</summary>
    public string InstanceTable { get; set; } = string.Empty;

    /// <summary>Physical name of the storage commitment table (pending commitments every Gateway task shares).</summary>
    public string CommitmentTable { get; set; } = string.Empty;

    public string StateMachineArn { get; set; } = string.Empty;

    public string DatastoreId { get; set; } = string.Empty;

    public string DataAccessRoleArn { get; set; } = string.Empty;

    /// <summary>Path-style S3 addressing (http://host/bucket/key), for S3-compatible stores.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>Bytes buffered per multipart part; an instance no larger than this is one PutObject.</summary>
    public int MultipartPartSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>KMS key for SSE-KMS; empty: SSE-S3 (AES256).</summary>
    public string? KmsKeyId { get; set; }

    /// <summary>Attempts for a throttled or 5xx HealthImaging / Step Functions call (the first included).</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Base delay of the jittered exponential backoff between attempts.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Timeout of one HTTP call to HealthImaging or Step Functions.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
