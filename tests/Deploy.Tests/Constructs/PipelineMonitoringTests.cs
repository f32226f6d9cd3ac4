using System.Text.Json;
using ImagingGateway.Deploy.Stacks;

namespace ImagingGateway.Deploy.Tests.Constructs;

[Collection(ConfiguredAppCollection.Name)]
public sealed class PipelineMonitoringTests(ConfiguredApp app)
{
    [Theory]
    [InlineData("gateway_associations_total")]
    [InlineData("gateway_cstore_requests_total")]
    [InlineData("gateway_cstore_duration_seconds")]
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
        Assert.Equal(6, alarms.Count);
        Assert.All(alarms, a => Assert.Equal(topic, Assert.Single(a.Resource.Props().GetProperty("AlarmActions").EnumerateArray()).Target()));
        var subscription = app.Single("AWS::SNS::Subscription").Props();
        Assert.Equal("email", subscription.GetProperty("Protocol").GetString());
        Assert.Equal("imaging-ops@example.org", subscription.GetProperty("Endpoint").GetString());
    }

    [Fact]
    public void GivenUnhealthyTargetsAlarm_WhenReadingIt_ThenItComparesHealthyNlbTargetsWithTheServicesDesiredCount()
    {
        // Issue #23 item 4.
        var alarm = Alarm("UnhealthyTargets");
        var metrics = alarm.GetProperty("Metrics").EnumerateArray().ToList();
        var healthy = Assert.Single(metrics, m => m.Get("Id")?.GetString() == "healthy").GetProperty("MetricStat").GetProperty("Metric");
        Assert.Equal("AWS/NetworkELB", healthy.GetProperty("Namespace").GetString());
        Assert.Equal("HealthyHostCount", healthy.GetProperty("MetricName").GetString());
        var targetGroup = app.Resources("AWS::ElasticLoadBalancingV2::TargetGroup").Single().Id;
        Assert.Contains(healthy.GetProperty("Dimensions").EnumerateArray(), d => d.GetProperty("Name").GetString() == "TargetGroup"
            && d.GetProperty("Value").GetRawText().Contains(targetGroup, StringComparison.Ordinal));
        var desired = Assert.Single(metrics, m => m.Get("Id")?.GetString() == "desired").GetProperty("MetricStat").GetProperty("Metric");
        Assert.Equal("ECS/ContainerInsights", desired.GetProperty("Namespace").GetString());
        Assert.Equal("DesiredTaskCount", desired.GetProperty("MetricName").GetString());
        var service = app.Resources("AWS::ECS::Service").Single().Id;
        Assert.Contains(desired.GetProperty("Dimensions").EnumerateArray(), d => d.GetProperty("Name").GetString() == "ServiceName"
            && d.GetProperty("Value").GetRawText().Contains(service, StringComparison.Ordinal));
        var expression = Assert.Single(metrics, m => m.Get("Expression") is not null).GetProperty("Expression").GetString();
        Assert.Equal("FILL(desired,0) - FILL(healthy,0)", expression);
        Assert.Equal(1, alarm.GetProperty("Threshold").GetDouble());
        Assert.Equal("GreaterThanOrEqualToThreshold", alarm.GetProperty("ComparisonOperator").GetString());
    }

    [Fact]
    public void GivenCStoreFailuresAlarm_WhenReadingIt_ThenItCountsResponsesOtherThanSuccess()
    {
        // Issue #23 item 4: every C-STORE minus the ones answered 0000.
        var alarm = Alarm("CStoreFailures");
        var metrics = alarm.GetProperty("Metrics").EnumerateArray().ToList();
        var all = Assert.Single(metrics, m => m.Get("Id")?.GetString() == "all").GetProperty("MetricStat").GetProperty("Metric");
        Assert.Equal("gateway_cstore_requests_total", all.GetProperty("MetricName").GetString());
        Assert.Null(all.Get("Dimensions"));
        var success = Assert.Single(metrics, m => m.Get("Id")?.GetString() == "success").GetProperty("MetricStat").GetProperty("Metric");
        Assert.Equal("gateway_cstore_requests_total", success.GetProperty("MetricName").GetString());
        var dimension = Assert.Single(success.GetProperty("Dimensions").EnumerateArray());
        Assert.Equal(("status", "0000"), (dimension.GetProperty("Name").GetString(), dimension.GetProperty("Value").GetString()));
        Assert.Equal("FILL(all,0) - FILL(success,0)", Assert.Single(metrics, m => m.Get("Expression") is not null).GetProperty("Expression").GetString());
        Assert.Equal(1, alarm.GetProperty("Threshold").GetDouble());
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
