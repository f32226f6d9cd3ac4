namespace ImagingGateway.Application.Common.Options;

/// <summary>When the Gateway commits to an instance (docs: README "Storage commitment").</summary>
public enum StorageCommitmentPolicy
{
    /// <summary>When it is stored durably: the instance store's commit (S3 in AWS mode) answered its C-STORE.</summary>
    Durable,
}
