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
        Table = new Table(this, "Table", new TableProps
        {
            PartitionKey = new Attribute { Name = PartitionKey, Type = AttributeType.STRING },
            BillingMode = BillingMode.PAY_PER_REQUEST,
            Encryption = TableEncryption.AWS_MANAGED,
            PointInTimeRecovery = true,
            DeletionProtection = true,
            RemovalPolicy = RemovalPolicy.RETAIN,
        });
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

    /// <summary>Get, query and scan the table and its indexes (the Gateway's read-only job API).</summary>
    public Grant GrantReadJobs(IGrantable grantee) => Table.GrantReadData(grantee);

    /// <summary>Create and conditionally update job items (the Lambda handlers).</summary>
    public Grant GrantReadWriteJobs(IGrantable grantee) => Table.GrantReadWriteData(grantee);
}
