using Amazon.CDK.AWS.S3;

namespace ImagingGateway.Deploy.Constructs;

/// <summary>Properties of a <see cref="SecureBucket"/>.</summary>
/// <param name="RetentionDays">days after which current objects expire; 0 keeps them forever</param>
/// <param name="NoncurrentVersionRetentionDays">days a replaced or deleted version is kept</param>
/// <param name="AccessLogs">the bucket that receives this bucket's S3 server access logs; null for the log bucket itself</param>
/// <param name="AccessLogPrefix">key prefix of this bucket's access logs in <paramref name="AccessLogs"/></param>
public sealed record SecureBucketProps(int RetentionDays, int NoncurrentVersionRetentionDays, IBucket? AccessLogs = null, string AccessLogPrefix = "");
