using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.IAM;
using Constructs;
using Attribute = Amazon.CDK.AWS.DynamoDB.Attribute;

namespace ImagingGateway.Deploy.Constructs;

/// <summary>
/// The received-instance index: one item per SOP instance (PK <c>sopInstanceUID</c>), shared by every Gateway task and
/// completed with import outcomes by CheckStatus; on-demand, encrypted, point-in-time recovery, deletion protection,
/// retained, as the job table. The index is the one the DynamoDB adapter queries (docs/contracts.md).
/// </summary>
public sealed class ReceivedInstanceTable : Construct
{
    public const string PartitionKey = "sopInstanceUID";
    public const string ByStudyIndex = "byStudy";

    public ReceivedInstanceTable(Construct scope, string id) : base(scope, id)
    {
        Table = DurableTable.Create(this, PartitionKey);
        Table.AddGlobalSecondaryIndex(new GlobalSecondaryIndexProps
        {
            IndexName = ByStudyIndex,
            PartitionKey = new Attribute { Name = "studyInstanceUID", Type = AttributeType.STRING },
            SortKey = new Attribute { Name = "receivedOrder", Type = AttributeType.STRING },
            ProjectionType = ProjectionType.ALL,
        });
    }

    public Table Table { get; }

    public string TableName => Table.TableName;

    /// <summary>
    /// The Gateway: record closed batches (PutItem, and UpdateItem when a batch is recorded again), find an instance
    /// (GetItem) and list a study (Query on <see cref="ByStudyIndex"/>).
    /// </summary>
    public Grant GrantRecordAndRead(IGrantable grantee)
    {
        var items = Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:GetItem"],
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

    /// <summary>CheckStatus: record where each instance's import landed (one conditional UpdateItem per instance).</summary>
    public Grant GrantRecordOutcomes(IGrantable grantee) => Grant.AddToPrincipal(new GrantOnPrincipalOptions
    {
        Grantee = grantee,
        Actions = ["dynamodb:UpdateItem"],
        ResourceArns = [Table.TableArn],
    });
}
