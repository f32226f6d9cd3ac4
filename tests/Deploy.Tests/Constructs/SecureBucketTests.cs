using System.Text.Json;
using ImagingGateway.Deploy.Stacks;

namespace ImagingGateway.Deploy.Tests.Constructs;

[Collection(ConfiguredAppCollection.Name)]
public sealed class SecureBucketTests(ConfiguredApp app)
{
    [Fact]
    public void GivenBuckets_WhenReadingLifecycle_ThenRetentionComesFromTheParametersAndUploadsAreCleanedUp()
    {
        Assert.Equal(90, ExpirationDays(DicomBucketId()));
        Assert.Equal(400, ExpirationDays(ResultsBucketId()));
        foreach (var (_, bucket) in app.Resources("AWS::S3::Bucket"))
        {
            var rules = bucket.Props().GetProperty("LifecycleConfiguration").GetProperty("Rules").EnumerateArray().ToList();
            Assert.Contains(rules, r => r.Get("AbortIncompleteMultipartUpload")?.GetProperty("DaysAfterInitiation").GetInt32() == 7);
            Assert.Contains(rules, r => r.Get("NoncurrentVersionExpiration")?.GetProperty("NoncurrentDays").GetInt32() == 30);
            Assert.All(rules, r => Assert.Equal("Enabled", r.GetProperty("Status").GetString()));
            Assert.Equal("BucketOwnerEnforced", bucket.Props().GetProperty("OwnershipControls").GetProperty("Rules")[0].GetProperty("ObjectOwnership").GetString());
        }
    }

    [Fact]
    public void GivenDicomBucket_WhenReadingNotifications_ThenOnlyBatchManifestsInvokeTriggerImport()
    {
        var notifications = app.Single("Custom::S3BucketNotifications").Props();
        Assert.Equal(DicomBucketId(), notifications.GetProperty("BucketName").Target());
        var configuration = notifications.GetProperty("NotificationConfiguration");
        var lambda = Assert.Single(configuration.GetProperty("LambdaFunctionConfigurations").EnumerateArray());
        Assert.Equal("s3:ObjectCreated:*", lambda.GetProperty("Events")[0].GetString());
        Assert.Equal(app.FunctionId(ImagingGatewayStack.TriggerImportHandler), lambda.GetProperty("LambdaFunctionArn").Target());
        var rules = lambda.GetProperty("Filter").GetProperty("Key").GetProperty("FilterRules").EnumerateArray()
            .ToDictionary(r => r.GetProperty("Name").GetString()!, r => r.GetProperty("Value").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["prefix"] = "batches/", ["suffix"] = ".json" }, rules);
        Assert.Null(configuration.Get("QueueConfigurations"));
        Assert.Null(configuration.Get("TopicConfigurations"));

        var permission = Assert.Single(app.Resources("AWS::Lambda::Permission"),
            p => p.Resource.Props().GetProperty("Principal").GetString() == "s3.amazonaws.com").Resource.Props();
        Assert.Equal(DicomBucketId(), permission.GetProperty("SourceArn").Target());
        Assert.Equal(app.FunctionId(ImagingGatewayStack.TriggerImportHandler), permission.GetProperty("FunctionName").Target());
    }

    [Fact]
    public void GivenNotificationsHandler_WhenReadingItsPolicy_ThenItMayConfigureOnlyTheDicomBucket()
    {
        var handlerPolicies = app.Resources("AWS::IAM::Policy").Where(p => p.Id.StartsWith("BucketNotificationsHandler", StringComparison.Ordinal)).ToList();
        var statement = Assert.Single(Assert.Single(handlerPolicies).Resource.Props().GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray());
        Assert.Equal("s3:PutBucketNotification", statement.GetProperty("Action").GetString());
        Assert.Equal([DicomBucketId()], statement.ResourceTargets());
    }

    private string DicomBucketId() => GatewayEnvironment("GATEWAY__AWS__DICOMBUCKET");

    private string ResultsBucketId() => GatewayEnvironment("GATEWAY__AWS__RESULTSBUCKET");

    private string GatewayEnvironment(string name) =>
        app.Single("AWS::ECS::TaskDefinition").Props().GetProperty("ContainerDefinitions").EnumerateArray()
            .Single(c => c.GetProperty("Name").GetString() == "Gateway").GetProperty("Environment").EnumerateArray()
            .Single(e => e.GetProperty("Name").GetString() == name).GetProperty("Value").Target()!;

    private int ExpirationDays(string bucketId) =>
        app.Json.RootElement.GetProperty("Resources").GetProperty(bucketId).Props().GetProperty("LifecycleConfiguration").GetProperty("Rules")
            .EnumerateArray().Single(r => r.Get("ExpirationInDays") is not null).GetProperty("ExpirationInDays").GetInt32();
}
