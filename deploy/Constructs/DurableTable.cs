using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Constructs;
using Attribute = Amazon.CDK.AWS.DynamoDB.Attribute;

namespace ImagingGateway.Deploy.Constructs;

/// <summary>
/// The settings every table of the pipeline keeps, in one place: on-demand, encrypted, point-in-time recovery,
/// deletion protection, retained when the stack goes (the records of what was imported outlive a redeploy).
/// </summary>
public static class DurableTable
{
    /// <summary>A table keyed by one string attribute, named "Table" under <paramref name="scope"/>.</summary>
    public static Table Create(Construct scope, string partitionKey) => new(scope, "Table", new TableProps
    {
        PartitionKey = new Attribute { Name = partitionKey, Type = AttributeType.STRING },
        BillingMode = BillingMode.PAY_PER_REQUEST,
        Encryption = TableEncryption.AWS_MANAGED,
        PointInTimeRecovery = true,
        DeletionProtection = true,
        RemovalPolicy = RemovalPolicy.RETAIN,
    });
}
