using Amazon.CDK;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Logs;

namespace ImagingGateway.Deploy.Constructs;

/// <summary>Properties of an <see cref="ImportStateMachine"/>.</summary>
public sealed record ImportStateMachineProps(
    IFunction StartImportJob,
    IFunction CheckStatus,
    Duration PollInterval,
    Duration Timeout,
    RetentionDays LogRetention);
