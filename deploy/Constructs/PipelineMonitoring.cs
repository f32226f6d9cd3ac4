using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.SNS;
using Amazon.CDK.AWS.SNS.Subscriptions;
using Constructs;

namespace ImagingGateway.Deploy.Constructs;

/// <summary>
/// The CloudWatch dashboard (associations, C-STOREs, store latency, ECS CPU and memory, NLB flows, Lambda errors and
/// duration, executions by status, jobs by status) and the alarms (failed imports, failed executions, stuck
/// pipeline, failed triggers), all notifying an encrypted SNS topic.
/// </summary>
public sealed class PipelineMonitoring : Construct
{
    /// <summary>Per-job status counter the Lambda handlers publish (docs/contracts.md, Metrics).</summary>
    public const string ImportJobsMetric = "ImportJobs";

    public static readonly string[] JobStatuses = ["SUBMITTED", "IN_PROGRESS", "COMPLETED", "FAILED"];

    public PipelineMonitoring(Construct scope, string id, PipelineMonitoringProps props) : base(scope, id)
    {
        AlarmTopic = new Topic(this, "AlarmTopic", new TopicProps
        {
            MasterKey = Alias.FromAliasName(this, "SnsKey", "alias/aws/sns"),
            EnforceSSL = true,
        });
        if (props.AlarmEmail.Length > 0)
        {
            AlarmTopic.AddSubscription(new EmailSubscription(props.AlarmEmail));
        }
        var notify = new SnsAction(AlarmTopic);

        var fiveMinutes = Duration.Minutes(5);
        var machine = props.Workflow.StateMachine;

        FailedImportsAlarm = new Alarm(this, "FailedImports", new AlarmProps
        {
            AlarmDescription = "An import job ended FAILED (HealthImaging rejected the batch or the pipeline recorded a failure)",
            Metric = JobMetric("FAILED", fiveMinutes),
            Threshold = 1,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            EvaluationPeriods = 1,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });
        FailedExecutionsAlarm = new Alarm(this, "FailedExecutions", new AlarmProps
        {
            AlarmDescription = "An import workflow execution failed, timed out or was aborted",
            Metric = new MathExpression(new MathExpressionProps
            {
                Label = "failed executions",
                Expression = "FILL(failed,0) + FILL(timedOut,0) + FILL(aborted,0)",
                UsingMetrics = new Dictionary<string, IMetric>
                {
                    ["failed"] = machine.MetricFailed(Sum(fiveMinutes)),
                    ["timedOut"] = machine.MetricTimedOut(Sum(fiveMinutes)),
                    ["aborted"] = machine.MetricAborted(Sum(fiveMinutes)),
                },
                Period = fiveMinutes,
            }),
            Threshold = 1,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            EvaluationPeriods = 1,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });
        // Batches keep arriving (TriggerImport runs) but no execution succeeds, twice in a row.
        StuckPipelineAlarm = new Alarm(this, "StuckPipeline", new AlarmProps
        {
            AlarmDescription = "Objects are being received but no import job is completing",
            Metric = new MathExpression(new MathExpressionProps
            {
                Label = "received without completion",
                Expression = "IF(FILL(received,0) > 0 AND FILL(completed,0) == 0, 1, 0)",
                UsingMetrics = new Dictionary<string, IMetric>
                {
                    ["received"] = props.TriggerImport.Function.MetricInvocations(Sum(props.StuckAfter)),
                    ["completed"] = machine.MetricSucceeded(Sum(props.StuckAfter)),
                },
                Period = props.StuckAfter,
            }),
            Threshold = 1,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            EvaluationPeriods = 2,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });
        FailedTriggersAlarm = new Alarm(this, "FailedTriggers", new AlarmProps
        {
            AlarmDescription = "A closed batch's S3 event failed TriggerImport after its retries and waits in the failure queue",
            Metric = props.TriggerFailures.MetricApproximateNumberOfMessagesVisible(new MetricOptions { Statistic = "Maximum", Period = fiveMinutes }),
            Threshold = 1,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            EvaluationPeriods = 1,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });
        foreach (var alarm in new[] { FailedImportsAlarm, FailedExecutionsAlarm, StuckPipelineAlarm, FailedTriggersAlarm })
        {
            alarm.AddAlarmAction(notify);
        }

        Dashboard = new Dashboard(this, "Dashboard", new DashboardProps { DefaultInterval = Duration.Hours(3) });
        var functions = new[] { props.TriggerImport, props.StartImportJob, props.CheckStatus };
        Dashboard.AddWidgets(
            Graph("DICOM associations", GatewayMetric("dicom_associations_total", "Sum")),
            Graph("C-STORE requests", GatewayMetric("dicom_cstore_requests_total", "Sum")),
            Graph("Store latency (s)", GatewayMetric("dicom_cstore_duration_seconds", "Average"), GatewayMetric("dicom_cstore_duration_seconds", "Maximum")));
        Dashboard.AddWidgets(
            Graph("ECS CPU / memory (%)", props.Gateway.Service.MetricCpuUtilization(), props.Gateway.Service.MetricMemoryUtilization()),
            Graph("NLB flows", props.Gateway.LoadBalancer.Metrics.ActiveFlowCount(), props.Gateway.LoadBalancer.Metrics.NewFlowCount()),
            Graph("NLB resets", props.Gateway.LoadBalancer.Metrics.TcpClientResetCount(), props.Gateway.LoadBalancer.Metrics.TcpTargetResetCount()));
        Dashboard.AddWidgets(
            Graph("Lambda errors", functions.Select(f => (IMetric)f.Function.MetricErrors(Sum(fiveMinutes))).ToArray()),
            Graph("Lambda duration (ms)", functions.Select(f => (IMetric)f.Function.MetricDuration()).ToArray()),
            Graph("Lambda throttles", functions.Select(f => (IMetric)f.Function.MetricThrottles(Sum(fiveMinutes))).ToArray()));
        Dashboard.AddWidgets(
            Graph("Executions by status",
                machine.MetricStarted(Sum(fiveMinutes)), machine.MetricSucceeded(Sum(fiveMinutes)), machine.MetricFailed(Sum(fiveMinutes)),
                machine.MetricTimedOut(Sum(fiveMinutes)), machine.MetricAborted(Sum(fiveMinutes))),
            Graph("Jobs by status", JobStatuses.Select(s => (IMetric)JobMetric(s, fiveMinutes)).ToArray()),
            new AlarmStatusWidget(new AlarmStatusWidgetProps
            {
                Title = "Alarms",
                Alarms = [FailedImportsAlarm, FailedExecutionsAlarm, StuckPipelineAlarm, FailedTriggersAlarm],
                Width = 8,
            }));
    }

    public Topic AlarmTopic { get; }

    public Dashboard Dashboard { get; }

    public Alarm FailedImportsAlarm { get; }

    public Alarm FailedExecutionsAlarm { get; }

    public Alarm StuckPipelineAlarm { get; }

    public Alarm FailedTriggersAlarm { get; }

    private static MetricOptions Sum(Duration period) => new() { Statistic = "Sum", Period = period };

    private static Metric JobMetric(string status, Duration period) => new(new MetricProps
    {
        Namespace = GatewayService.MetricsNamespace,
        MetricName = ImportJobsMetric,
        DimensionsMap = new Dictionary<string, string> { ["JobStatus"] = status },
        Statistic = "Sum",
        Period = period,
        Label = status,
    });

    private static Metric GatewayMetric(string name, string statistic) => new(new MetricProps
    {
        Namespace = GatewayService.MetricsNamespace,
        MetricName = name,
        Statistic = statistic,
        Period = Duration.Minutes(1),
        Label = $"{name} ({statistic})",
    });

    private static GraphWidget Graph(string title, params IMetric[] metrics) => new(new GraphWidgetProps
    {
        Title = title,
        Left = metrics,
        Width = 8,
    });
}
