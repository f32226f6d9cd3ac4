using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.IAM;
using Constructs;
using Attribute = Amazon.CDK.AWS.DynamoDB.Attribute;

namespace ImagingGateway.Deploy.Constructs;

/// <summary>
/// Pending storage commitment requests (PS3.4 J.3): one item per Transaction UID (PK <c>transactionUID</c>), shared by
/// every Gateway task, so the report is sent by whichever task is alive when it is due; on-demand, encrypted,
/// point-in-time recovery, deletion protection, retained, as the other tables. The sparse index <see cref="ByDueIndex"/>
/// holds only the requests whose report is still owed, by next attempt (docs/contracts.md).
/// </summary>
public sealed class StorageCommitmentTable : Construct
{
    public const string PartitionKey = "transactionUID";
    public const string ByDueIndex = "byDue";

    public StorageCommitmentTable(Construct scope, string id) : base(scope, id)
    {
        Table = DurableTable.Create(this, PartitionKey);
        Table.AddGlobalSecondaryIndex(new GlobalSecondaryIndexProps
        {
            IndexName = ByDueIndex,
            PartitionKey = new Attribute { Name = "pending", Type = AttributeType.STRING },
            SortKey = new Attribute { Name = "nextAttemptAt", Type = AttributeType.STRING },
            ProjectionType = ProjectionType.ALL,
        });
    }

    public Table Table { get; }

    public string TableName => Table.TableName;

    /// <summary>
    /// The Gateway: record a request (PutItem), read it (GetItem), claim and replace it (UpdateItem, PutItem), and list
    /// the due ones (Query on <see cref="ByDueIndex"/>).
    /// </summary>
    public Grant GrantRecordAndReport(IGrantable grantee)
    {
        var items = Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem"],
            ResourceArns = [Table.TableArn],
        });
        Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = ["dynamodb:Query"],
            ResourceArns = [$"{Table.TableArn}/index/{ByDueIndex}"],
        });
        return items;
    }
}
