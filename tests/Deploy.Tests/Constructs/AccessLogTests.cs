namespace ImagingGateway.Deploy.Tests.Constructs;

/// <summary>Issue #23 item 9: who read or wrote which object of either data bucket is kept, for a bounded time.</summary>
[Collection(ConfiguredAppCollection.Name)]
public sealed class AccessLogTests(ConfiguredApp app)
{
    [Fact]
    public void GivenDataBuckets_WhenReadingLogging_ThenBothSendServerAccessLogsToTheLogBucketUnderTheirOwnPrefix()
    {
        var logBucket = app.Stack.AccessLogBucket.Bucket.Node.DefaultChild is Amazon.CDK.CfnElement element ? app.Stack.GetLogicalId(element) : null;
        Assert.NotNull(logBucket);
        var prefixes = new List<string>();
        foreach (var bucket in new[] { app.Stack.DicomBucket, app.Stack.ResultsBucket })
        {
            var id = app.Stack.GetLogicalId((Amazon.CDK.CfnElement)bucket.Bucket.Node.DefaultChild!);
            var logging = app.Json.RootElement.GetProperty("Resources").GetProperty(id).Props().GetProperty("LoggingConfiguration");
            Assert.Equal(logBucket, logging.GetProperty("DestinationBucketName").Target());
            prefixes.Add(logging.GetProperty("LogFilePrefix").GetString()!);
        }
        Assert.Equal(2, prefixes.Distinct().Count());
    }

    [Fact]
    public void GivenLogBucket_WhenReadingIt_ThenLogsExpireAfterTheRetentionAndS3MayDeliverThem()
    {
        var id = app.Stack.GetLogicalId((Amazon.CDK.CfnElement)app.Stack.AccessLogBucket.Bucket.Node.DefaultChild!);
        var bucket = app.Json.RootElement.GetProperty("Resources").GetProperty(id);
        var rules = bucket.Props().GetProperty("LifecycleConfiguration").GetProperty("Rules").EnumerateArray();
        Assert.Contains(rules, r => r.Get("ExpirationInDays")?.GetInt32() == 2192);
        Assert.Equal("Retain", bucket.GetProperty("DeletionPolicy").GetString());
        var policy = Assert.Single(app.Resources("AWS::S3::BucketPolicy"), p => p.Resource.Props().GetProperty("Bucket").Target() == id).Resource;
        Assert.Contains(policy.Props().GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray(), s =>
            s.GetProperty("Effect").GetString() == "Allow"
            && s.GetProperty("Principal").Get("Service")?.GetString() == "logging.s3.amazonaws.com");
    }
}
