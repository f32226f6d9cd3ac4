using System.Text.Json;
using ImagingGateway.Deploy.Stacks;

namespace ImagingGateway.Deploy.Tests.Constructs;

[Collection(ConfiguredAppCollection.Name)]
public sealed class PipelineMonitoringTests(ConfiguredApp app)
{
    [Theory]
    [InlineData("dicom_associations_total")]
    [InlineData("dicom_cstore_requests_total")]
    [InlineData("dicom_cstore_duration_seconds")]
    [InlineData("CPUUtilization")]
    [InlineData("MemoryUtilization")]
    [InlineData("ActiveFlowCount")]
    [InlineData("NewFlowCount")]
    [InlineData("Errors")]
    [InlineData("Duration")]
    [InlineData("ExecutionsStarted")]
    [InlineData("ExecutionsSucceeded")]
    [InlineData("ExecutionsFailed")]
    [InlineData("ImportJobs")]
    public void GivenDashboard_WhenReadingItsBody_ThenItGraphsTheMetric(string metric)
    {
        var body = app.Single("AWS::CloudWatch::Dashboard").Props().GetProperty("DashboardBody").JoinText();
        Assert.Contains($"\"{metric}\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenDashboard_WhenReadingLambdaWidgets_ThenAllThreeFunctionsAreGraphed()
    {
        var body = app.Single("AWS::CloudWatch::Dashboard").Props().GetProperty("DashboardBody").JoinText();
        foreach (var handler in new[] { ImagingGatewayStack.TriggerImportHandler, ImagingGatewayStack.StartImportJobHandler, ImagingGatewayStack.CheckStatusHandler })
        {
            Assert.Contains($"<{app.FunctionId(handler)}>", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void GivenFailedImportsAlarm_WhenReadingIt_ThenItFiresOnOneFailedJob()
    {
        var alarm = Alarm("FailedImports");
        var stat = Assert.Single(alarm.GetProperty("Metrics").EnumerateArray()).GetProperty("MetricStat");
        Assert.Equal("Sum", stat.GetProperty("Stat").GetString());
        var metric = stat.GetProperty("Metric");
        Assert.Equal("ImportJobs", metric.GetProperty("MetricName").GetString());
        Assert.Equal("ImagingGateway", metric.GetProperty("Namespace").GetString());
        var dimension = Assert.Single(metric.GetProperty("Dimensions").EnumerateArray());
        Assert.Equal("JobStatus", dimension.GetProperty("Name").GetString());
        Assert.Equal("FAILED", dimension.GetProperty("Value").GetString());
        Assert.Equal(1, alarm.GetProperty("Threshold").GetDouble());
        Assert.Equal("GreaterThanOrEqualToThreshold", alarm.GetProperty("ComparisonOperator").GetString());
    }

    [Fact]
    public void GivenFailedExecutionsAlarm_WhenReadingIt_ThenItSumsFailedTimedOutAndAbortedExecutions()
    {
        var alarm = Alarm("FailedExecutions");
        var metrics = MetricNames(alarm);
        Assert.Equal(["ExecutionsAborted", "ExecutionsFailed", "ExecutionsTimedOut"], metrics);
        Assert.Equal(1, alarm.GetProperty("Threshold").GetDouble());
    }

    [Fact]
    public void GivenStuckPipelineAlarm_WhenReadingIt_ThenItComparesBatchesReceivedWithExecutionsSucceeded()
    {
        var alarm = Alarm("StuckPipeline");
        Assert.Equal(["ExecutionsSucceeded", "Invocations"], MetricNames(alarm));
        var expression = alarm.GetProperty("Metrics").EnumerateArray().Single(m => m.Get("Expression") is not null).GetProperty("Expression").GetString();
        Assert.Contains("received", expression, StringComparison.Ordinal);
        Assert.Contains("completed", expression, StringComparison.Ordinal);
        Assert.Equal(2, alarm.GetProperty("EvaluationPeriods").GetInt32());
        var periods = alarm.GetProperty("Metrics").EnumerateArray().Where(m => m.Get("MetricStat") is not null)
            .Select(m => m.GetProperty("MetricStat").GetProperty("Period").GetInt32());
        Assert.All(periods, p => Assert.Equal(3600, p));
    }

    [Fact]
    public void GivenFailedTriggersAlarm_WhenReadingIt_ThenItWatchesTheTriggerImportFailureQueue()
    {
        var alarm = Alarm("FailedTriggers");
        Assert.Equal("ApproximateNumberOfMessagesVisible", alarm.GetProperty("MetricName").GetString());
        Assert.Equal("AWS/SQS", alarm.GetProperty("Namespace").GetString());
        var queue = app.Resources("AWS::SQS::Queue").Single().Id;
        Assert.Equal(queue, Assert.Single(alarm.GetProperty("Dimensions").EnumerateArray()).GetProperty("Value").Get("Fn::GetAtt")?[0].GetString());
        Assert.Equal(1, alarm.GetProperty("Threshold").GetDouble());
    }

    [Fact]
    public void GivenAlarms_WhenReadingActions_ThenEachNotifiesTheAlarmTopicWithItsEmailSubscription()
    {
        var topic = app.Resources("AWS::SNS::Topic").Single().Id;
        var alarms = app.Resources("AWS::CloudWatch::Alarm");
        Assert.Equal(4, alarms.Count);
        Assert.All(alarms, a => Assert.Equal(topic, Assert.Single(a.Resource.Props().GetProperty("AlarmActions").EnumerateArray()).Target()));
        var subscription = app.Single("AWS::SNS::Subscription").Props();
        Assert.Equal("email", subscription.GetProperty("Protocol").GetString());
        Assert.Equal("imaging-ops@example.org", subscription.GetProperty("Endpoint").GetString());
    }

    private JsonElement Alarm(string idPrefix) =>
        Assert.Single(app.Resources("AWS::CloudWatch::Alarm"), a => a.Id.StartsWith("Monitoring" + idPrefix, StringComparison.Ordinal)).Resource.Props();

    private static List<string> MetricNames(JsonElement alarm) =>
        alarm.GetProperty("Metrics").EnumerateArray()
            .Where(m => m.Get("MetricStat") is not null)
            .Select(m => m.GetProperty("MetricStat").GetProperty("Metric").GetProperty("MetricName").GetString()!)
            .Order(StringComparer.Ordinal)
            .ToList();
}
