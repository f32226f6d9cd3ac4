using Amazon.CDK;
using Amazon.CDK.AWS.SQS;

namespace ImagingGateway.Deploy.Constructs;

/// <summary>Properties of a <see cref="PipelineMonitoring"/>.</summary>
/// <param name="StuckAfter">how long objects may arrive with no import completing before the pipeline counts as stuck</param>
/// <param name="AlarmEmail">empty: alarms go to the topic only</param>
public sealed record PipelineMonitoringProps(
    GatewayService Gateway,
    ImportFunction TriggerImport,
    ImportFunction StartImportJob,
    ImportFunction CheckStatus,
    ImportStateMachine Workflow,
    IQueue TriggerFailures,
    Duration StuckAfter,
    string AlarmEmail);
