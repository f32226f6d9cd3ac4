namespace ImagingGateway.Application.Common.Options;

/// <summary>Where imports go: the data store, the role it assumes, and the base of the results location.</summary>
public sealed class ImportOptions
{
    public string DatastoreId { get; set; } = "local-datastore";

    public string DataAccessRoleArn { get; set; } = "arn:aws:iam::000000000000:role/local-import";

    /// <summary>Base URI of the results location, ending with '/'; the batch id is appended (s3://results/{batchId}/).</summary>
    public string ResultsLocation { get; set; } = "file:///tmp/imaging-gateway/results/";
}
