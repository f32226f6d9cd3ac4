using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.SNS;
using Amazon.CDK.AWS.SNS.Subscriptions;
using Constructs;

namespace ImagingGateway.Deploy.Constructs;

/// <summary>
/// The CloudWatch dashboard (associations, C-STOREs, store latency, ECS CPU and memory, NLB flows, Lambda errors and
/// duration, executions by status, jobs by status) and the alarms (failed imports, failed executions, stuck
/// pipeline, failed triggers, fewer healthy targets than desired tasks, C-STORE failures), all notifying an SNS topic
/// under a customer-managed key that CloudWatch may use, with a TLS-only topic policy.
/// </summary>
public sealed class PipelineMonitoring : Construct
{
    /// <summary>Per-job status counter the Lambda handlers publish (docs/contracts.md, Metrics).</summary>
    public const string ImportJobsMetric = "ImportJobs";

    public static readonly string[] JobStatuses = ["SUBMITTED", "IN_PROGRESS", "COMPLETED", "FAILED"];

    public PipelineMonitoring(Construct scope, string id, PipelineMonitoringProps props) : base(scope, id)
    {
        // CloudWatch cannot publish to a topic under the AWS-managed alias/aws/sns key: the key must name it.
        AlarmTopicKey = new Key(this, "AlarmTopicKey", new KeyProps
        {
            Description = "Imaging Gateway alarm topic",
            EnableKeyRotation = true,
        });
        AlarmTopicKey.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "AllowCloudWatchAlarmsToPublish",
            Principals = [new ServicePrincipal("cloudwatch.amazonaws.com")],
            Actions = ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resources = ["*"],
        }));
        AlarmTopic = new Topic(this, "AlarmTopic", new TopicProps { MasterKey = AlarmTopicKey });
        AlarmTopic.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "DenyNonTlsRequests",
            Effect = Effect.DENY,
            Principals = [new AnyPrincipal()],
            Actions = ["sns:Publish", "sns:Subscribe", "sns:Receive"],
            Resources = [AlarmTopic.TopicArn],
            Conditions = new Dictionary<string, object> { ["Bool"] = new Dictionary<string, object> { ["aws:SecureTransport"] = "false" } },
        }));
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
        var minute = Duration.Minutes(1);
        UnhealthyTargetsAlarm = new Alarm(this, "UnhealthyTargets", new AlarmProps
        {
            AlarmDescription = "Fewer healthy load balancer targets than the service's desired task count for 5 minutes",
            Metric = new MathExpression(new MathExpressionProps
            {
                Label = "desired tasks without a healthy target",
                Expression = "FILL(desired,0) - FILL(healthy,0)",
                UsingMetrics = new Dictionary<string, IMetric>
                {
                    ["desired"] = new Metric(new MetricProps
                    {
                        Namespace = "ECS/ContainerInsights",
                        MetricName = "DesiredTaskCount",
                        DimensionsMap = new Dictionary<string, string>
                        {
                            ["ClusterName"] = props.Gateway.Cluster.ClusterName,
                            ["ServiceName"] = props.Gateway.Service.ServiceName,
                        },
                        Statistic = "Maximum",
                        Period = minute,
                    }),
                    ["healthy"] = props.Gateway.TargetGroup.Metrics.HealthyHostCount(new MetricOptions { Statistic = "Minimum", Period = minute }),
                },
                Period = minute,
            }),
            Threshold = 1,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            EvaluationPeriods = 5,
            DatapointsToAlarm = 5,
            TreatMissingData = TreatMissingData.BREACHING,
        });
        CStoreFailuresAlarm = new Alarm(this, "CStoreFailures", new AlarmProps
        {
            AlarmDescription = "The Gateway answered a C-STORE with a status other than 0000 (Success)",
            Metric = new MathExpression(new MathExpressionProps
            {
                Label = "C-STORE responses other than 0000",
                Expression = "FILL(all,0) - FILL(success,0)",
                UsingMetrics = new Dictionary<string, IMetric>
                {
                    ["all"] = GatewayMetric(CStoreRequestsMetric, "Sum", fiveMinutes),
                    ["success"] = GatewayMetric(CStoreRequestsMetric, "Sum", fiveMinutes, ("status", "0000")),
                },
                Period = fiveMinutes,
            }),
            Threshold = 1,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            EvaluationPeriods = 1,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });
        Alarms = [FailedImportsAlarm, FailedExecutionsAlarm, StuckPipelineAlarm, FailedTriggersAlarm, UnhealthyTargetsAlarm, CStoreFailuresAlarm];
        foreach (var alarm in Alarms)
        {
            alarm.AddAlarmAction(notify);
        }

        Dashboard = new Dashboard(this, "Dashboard", new DashboardProps { DefaultInterval = Duration.Hours(3) });
        var functions = new[] { props.TriggerImport, props.StartImportJob, props.CheckStatus };
        Dashboard.AddWidgets(
            Graph("DICOM associations", GatewayMetric(AssociationsMetric, "Sum", minute), GatewayMetric(ActiveAssociationsMetric, "Maximum", minute)),
            Graph("C-STORE requests", GatewayMetric(CStoreRequestsMetric, "Sum", minute), GatewayMetric(CStoreRequestsMetric, "Sum", minute, ("status", "0000"))),
            Graph("Store latency (s)", GatewayMetric(CStoreDurationMetric, "Average", minute), GatewayMetric(CStoreDurationMetric, "Maximum", minute)));
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
                Alarms = Alarms.ToArray<IAlarm>(),
                Width = 8,
            }));
    }

    /// <summary>
    /// The Gateway's OpenTelemetry instruments under the names the Prometheus exporter gives them (dots to
    /// underscores, unit suffix, <c>_total</c> on counters), which the collector sidecar keeps in CloudWatch.
    /// </summary>
    public const string AssociationsMetric = "gateway_associations_total";
    public const string ActiveAssociationsMetric = "gateway_associations_active";
    public const string CStoreRequestsMetric = "gateway_cstore_requests_total";
    public const string CStoreDurationMetric = "gateway_cstore_duration_seconds";

    public Key AlarmTopicKey { get; }

    public Topic AlarmTopic { get; }

    /// <summary>Every alarm, each notifying <see cref="AlarmTopic"/>.</summary>
    public IReadOnlyList<Alarm> Alarms { get; }

    public Alarm UnhealthyTargetsAlarm { get; }

    public Alarm CStoreFailuresAlarm { get; }

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

    private static Metric GatewayMetric(string name, string statistic, Duration period, params (string Name, string Value)[] dimensions) => new(new MetricProps
    {
        Namespace = GatewayService.MetricsNamespace,
        MetricName = name,
        DimensionsMap = dimensions.ToDictionary(d => d.Name, d => d.Value),
        Statistic = statistic,
        Period = period,
        Label = dimensions.Length == 0 ? $"{name} ({statistic})" : $"{name} {string.Join(",", dimensions.Select(d => $"{d.Name}={d.Value}"))} ({statistic})",
    });

    private static GraphWidget Graph(string title, params IMetric[] metrics) => new(new GraphWidgetProps
    {
        Title = title,
        Left = metrics,
        Width = 8,
    });
}
