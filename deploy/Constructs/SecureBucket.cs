using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.S3;
using Constructs;

namespace ImagingGateway.Deploy.Constructs;

/// <summary>
/// An S3 bucket for patient data: SSE-S3, all public access blocked, bucket-owner-enforced ownership,
/// TLS-only bucket policy, versioned (an overwrite or delete never loses an instance), lifecycle retention,
/// incomplete multipart uploads aborted, server access logs into the access-log bucket (who read or wrote which
/// object: the PHI audit trail), and retained when the stack is deleted.
/// </summary>
public sealed class SecureBucket : Construct
{
    public SecureBucket(Construct scope, string id, SecureBucketProps props) : base(scope, id)
    {
        var rules = new List<ILifecycleRule>
        {
            new LifecycleRule
            {
                Id = "AbortIncompleteUploads",
                AbortIncompleteMultipartUploadAfter = Duration.Days(7),
            },
            new LifecycleRule
            {
                Id = "ExpireReplacedVersions",
                NoncurrentVersionExpiration = Duration.Days(props.NoncurrentVersionRetentionDays),
            },
        };
        if (props.RetentionDays > 0)
        {
            rules.Add(new LifecycleRule { Id = "Retention", Expiration = Duration.Days(props.RetentionDays) });
        }

        Bucket = new Bucket(this, "Bucket", new BucketProps
        {
            Encryption = BucketEncryption.S3_MANAGED,
            BlockPublicAccess = BlockPublicAccess.BLOCK_ALL,
            ObjectOwnership = ObjectOwnership.BUCKET_OWNER_ENFORCED,
            EnforceSSL = true,
            MinimumTLSVersion = 1.2,
            Versioned = true,
            LifecycleRules = rules.ToArray(),
            ServerAccessLogsBucket = props.AccessLogs,
            ServerAccessLogsPrefix = props.AccessLogs is null ? null : props.AccessLogPrefix,
            RemovalPolicy = RemovalPolicy.RETAIN,
        });
    }

    public Bucket Bucket { get; }

    public string BucketName => Bucket.BucketName;

    public string BucketArn => Bucket.BucketArn;

    /// <summary><c>s3://{bucket}</c>, without a trailing slash.</summary>
    public string S3Uri => $"s3://{Bucket.BucketName}";

    /// <summary>Get and list objects (optionally under a key pattern such as <c>dicom/*</c>).</summary>
    public Grant GrantRead(IGrantable grantee, string? keyPattern = null) => Bucket.GrantRead(grantee, keyPattern);

    /// <summary>
    /// GetObject (also HEAD and ranged GET) under <paramref name="keyPattern"/>, and ListBucket, without which S3
    /// answers a missing key 403 instead of 404 and a missing object reads as a permission error.
    /// </summary>
    public Grant GrantGetObjects(IGrantable grantee, string keyPattern)
    {
        var get = Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = ["s3:GetObject"],
            ResourceArns = [Bucket.ArnForObjects(keyPattern)],
        });
        GrantList(grantee);
        return get;
    }

    /// <summary>DeleteObject under <paramref name="keyPattern"/> only.</summary>
    public Grant GrantDeleteObjects(IGrantable grantee, string keyPattern) => Grant.AddToPrincipal(new GrantOnPrincipalOptions
    {
        Grantee = grantee,
        Actions = ["s3:DeleteObject"],
        ResourceArns = [Bucket.ArnForObjects(keyPattern)],
    });

    /// <summary>Put objects only (no read, no delete).</summary>
    public Grant GrantPut(IGrantable grantee, string? keyPattern = null) => Bucket.GrantPut(grantee, keyPattern);

    /// <summary>List the bucket without reading any object.</summary>
    public Grant GrantList(IGrantable grantee) => Grant.AddToPrincipal(new GrantOnPrincipalOptions
    {
        Grantee = grantee,
        Actions = ["s3:ListBucket"],
        ResourceArns = [Bucket.BucketArn],
    });

    /// <summary>
    /// What the Gateway's instance store calls: PutObject (single and multipart), GetObject, ListBucket (recovery lists
    /// open batches) and AbortMultipartUpload of its own failed uploads. No delete of objects or versions (open-batch markers
    /// are granted apart, <see cref="GrantDeleteObjects"/>), and none of
    /// the bucket-configuration or object-lock actions CDK's read-write grant adds.
    /// </summary>
    public void GrantReadWriteNoDelete(IGrantable grantee)
    {
        _ = Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"],
            ResourceArns = [Bucket.ArnForObjects("*")],
        });
        GrantList(grantee);
    }
}
