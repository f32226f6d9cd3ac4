namespace ImagingGateway.Gateway.Configuration;

/// <summary>Configuration section <c>Gateway:Aws</c>, read here only to validate it; the AWS adapters bind it themselves.</summary>
public sealed class GatewayAwsOptions
{
    public string? Region { get; set; }

    public string? DicomBucket { get; set; }

    public string? ResultsBucket { get; set; }

    public string? JobTable { get; set; }

    public string? InstanceTable { get; set; }

    public string? CommitmentTable { get; set; }

    public string? StateMachineArn { get; set; }

    public string? DatastoreId { get; set; }

    public string? DataAccessRoleArn { get; set; }

    public bool ForcePathStyle { get; set; }
}
