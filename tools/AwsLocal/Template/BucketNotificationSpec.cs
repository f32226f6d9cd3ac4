namespace ImagingGateway.AwsLocal.Template;

/// <summary>One LambdaFunctionConfiguration of a bucket's NotificationConfiguration, resolved.</summary>
public sealed record BucketNotificationSpec(string Bucket, IReadOnlyList<string> Events, string Prefix, string Suffix, string FunctionArn);
