using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.IAM;
using Constructs;
using Attribute = Amazon.CDK.AWS.DynamoDB.Attribute;

namespace ImagingGateway.Deploy.Constructs;

/// <summary>
/// DicomImportJobTable: one item per HealthImaging import job (PK <c>jobId</c>), on-demand, encrypted,
/// point-in-time recovery, deletion protection, retained. The two indexes are the ones the DynamoDB adapter queries
/// (docs/contracts.md).
/// </summary>
public sealed class ImportJobTable : Construct
{
    public const string PartitionKey = "jobId";
    public const string ByStatusIndex = "byStatus";
    public const string ByStudyIndex = "byStudy";

    public ImportJobTable(Construct scope, string id) : base(scope, id)
    {
        Table = DurableTable.Create(this, PartitionKey);
        Table.AddGlobalSecondaryIndex(new GlobalSecondaryIndexProps
        {
            IndexName = ByStatusIndex,
            PartitionKey = new Attribute { Name = "jobStatus", Type = AttributeType.STRING },
            SortKey = new Attribute { Name = "submittedAt", Type = AttributeType.STRING },
            ProjectionType = ProjectionType.ALL,
        });
        Table.AddGlobalSecondaryIndex(new GlobalSecondaryIndexProps
        {
            IndexName = ByStudyIndex,
            PartitionKey = new Attribute { Name = "studyInstanceUID", Type = AttributeType.STRING },
            SortKey = new Attribute { Name = "submittedAt", Type = AttributeType.STRING },
            ProjectionType = ProjectionType.ALL,
        });
    }

    public Table Table { get; }

    public string TableName => Table.TableName;

    /// <summary>Get a job and query the two indexes (the Gateway's read-only job API and status sampler).</summary>
    public Grant GrantReadJobs(IGrantable grantee)
    {
        var get = Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = ["dynamodb:GetItem"],
            ResourceArns = [Table.TableArn],
        });
        Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = ["dynamodb:Query"],
            ResourceArns = [$"{Table.TableArn}/index/{ByStatusIndex}", $"{Table.TableArn}/index/{ByStudyIndex}"],
        });
        return get;
    }

    /// <summary>Create a job item if absent and read it back (StartImportJob): PutItem, GetItem.</summary>
    public Grant GrantCreateJobs(IGrantable grantee) => Grant.AddToPrincipal(new GrantOnPrincipalOptions
    {
        Grantee = grantee,
        Actions = ["dynamodb:PutItem", "dynamodb:GetItem"],
        ResourceArns = [Table.TableArn],
    });

    /// <summary>Link an ended job to the job that re-imports it (StartImportJob of a retry batch writes retriedBy): UpdateItem.</summary>
    public Grant GrantLinkRetries(IGrantable grantee) => Grant.AddToPrincipal(new GrantOnPrincipalOptions
    {
        Grantee = grantee,
        Actions = ["dynamodb:UpdateItem"],
        ResourceArns = [Table.TableArn],
    });

    /// <summary>Record on a job the storage commitment reports that covered its instances (the Gateway, on delivery): UpdateItem.</summary>
    public Grant GrantRecordCommitments(IGrantable grantee) => Grant.AddToPrincipal(new GrantOnPrincipalOptions
    {
        Grantee = grantee,
        Actions = ["dynamodb:UpdateItem"],
        ResourceArns = [Table.TableArn],
    });

    /// <summary>
    /// Move jobs (CheckStatus, RecordExecutionFailure): read, create if missing, update conditionally, and find a
    /// batch's job among its study's (Query on <see cref="ByStudyIndex"/>).
    /// </summary>
    public Grant GrantUpdateJobs(IGrantable grantee)
    {
        var items = Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
            ResourceArns = [Table.TableArn],
        });
        Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = ["dynamodb:Query"],
            ResourceArns = [$"{Table.TableArn}/index/{ByStudyIndex}"],
        });
        return items;
    }
}
