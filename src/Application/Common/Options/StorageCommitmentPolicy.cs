namespace ImagingGateway.Application.Common.Options;

/// <summary>When the Gateway commits to an instance (docs: README "Storage commitment").</summary>
public enum StorageCommitmentPolicy
{
    /// <summary>When it is stored durably: the instance store's commit (S3 in AWS mode) answered its C-STORE.</summary>
    Durable,

    /// <summary>
    /// When HealthImaging (or the local stand-in) imported it, as its import outcome in the received-instance index
    /// says; an instance whose import failed is reported failed with 0x0110 (processing failure).
    /// </summary>
    Imported,
}
