using System.Text.Json;

namespace ImagingGateway.Deploy.Tests.Constructs;

/// <summary>Issue #23 item 1: CloudWatch alarms can publish to the topic, and the topic takes TLS requests only.</summary>
[Collection(ConfiguredAppCollection.Name)]
public sealed class AlarmTopicTests(ConfiguredApp app)
{
    [Fact]
    public void GivenAlarmTopic_WhenReadingItsKey_ThenItIsACustomerManagedKeyOfThisStack()
    {
        var topic = app.Single("AWS::SNS::Topic").Props();
        var key = topic.GetProperty("KmsMasterKeyId").Target();
        Assert.NotNull(key);
        var resource = app.Json.RootElement.GetProperty("Resources").GetProperty(key!);
        Assert.Equal("AWS::KMS::Key", resource.GetProperty("Type").GetString());
        Assert.True(resource.Props().GetProperty("EnableKeyRotation").GetBoolean());
    }

    [Fact]
    public void GivenAlarmTopicKey_WhenReadingItsPolicy_ThenCloudWatchMayGenerateDataKeysAndDecrypt()
    {
        var statements = app.Single("AWS::KMS::Key").Props().GetProperty("KeyPolicy").GetProperty("Statement").EnumerateArray().ToList();
        var cloudWatch = Assert.Single(statements, s =>
            s.GetProperty("Effect").GetString() == "Allow"
            && s.GetProperty("Principal").Get("Service")?.Strings().Contains("cloudwatch.amazonaws.com") == true);
        var actions = cloudWatch.GetProperty("Action").Strings().ToList();
        Assert.Contains("kms:Decrypt", actions);
        Assert.Contains("kms:GenerateDataKey*", actions);
    }

    [Fact]
    public void GivenAlarmTopic_WhenReadingItsPolicy_ThenRequestsWithoutTlsAreDenied()
    {
        var topic = app.Resources("AWS::SNS::Topic").Single().Id;
        var policy = Assert.Single(app.Resources("AWS::SNS::TopicPolicy")).Resource.Props();
        Assert.Contains(policy.GetProperty("Topics").EnumerateArray(), t => t.Target() == topic);
        Assert.Contains(policy.GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray(), s =>
            s.GetProperty("Effect").GetString() == "Deny"
            && s.GetProperty("Action").Strings().Contains("sns:Publish")
            && s.Get("Condition")?.Get("Bool")?.Get("aws:SecureTransport")?.GetString() == "false");
    }

    [Fact]
    public void GivenAlarms_WhenReadingThem_ThenEveryAlarmNotifiesTheEncryptedTopic()
    {
        var topic = app.Resources("AWS::SNS::Topic").Single().Id;
        var alarms = app.Resources("AWS::CloudWatch::Alarm");
        Assert.Equal(6, alarms.Count);
        Assert.All(alarms, a => Assert.Equal(topic, Assert.Single(a.Resource.Props().GetProperty("AlarmActions").EnumerateArray()).Target()));
    }

    internal static IReadOnlyList<JsonElement> MetricStats(JsonElement alarm) =>
        alarm.GetProperty("Metrics").EnumerateArray().Where(m => m.Get("MetricStat") is not null)
            .Select(m => m.GetProperty("MetricStat").GetProperty("Metric")).ToList();
}
