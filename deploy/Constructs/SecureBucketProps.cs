namespace ImagingGateway.Deploy.Constructs;

/// <summary>Properties of a <see cref="SecureBucket"/>.</summary>
/// <param name="RetentionDays">days after which current objects expire; 0 keeps them forever</param>
/// <param name="NoncurrentVersionRetentionDays">days a replaced or deleted version is kept</param>
public sealed record SecureBucketProps(int RetentionDays, int NoncurrentVersionRetentionDays);
