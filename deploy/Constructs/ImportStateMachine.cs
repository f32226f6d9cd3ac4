using Amazon.CDK;
using Amazon.CDK.AWS.Events;
using LambdaFunction = Amazon.CDK.AWS.Events.Targets.LambdaFunction;
using LambdaFunctionProps = Amazon.CDK.AWS.Events.Targets.LambdaFunctionProps;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.SQS;
using Amazon.CDK.AWS.StepFunctions;
using Amazon.CDK.AWS.StepFunctions.Tasks;
using Constructs;

namespace ImagingGateway.Deploy.Constructs;

/// <summary>
/// The import workflow of docs/contracts.md, one execution per batch (execution name = batchId):
/// TriggerImport (Pass) → StartImportJob → WaitForCompletion → CheckStatus → IsComplete (loop or Done);
/// a permanent error, or any error after its retries → RecordFailure (CheckStatus with <c>$.error</c>, marks the job
/// FAILED) → Failed; an execution stopped from outside is recorded by <see cref="RecordFailedExecutions"/>.
/// </summary>
public sealed class ImportStateMachine : Construct
{
    /// <summary>
    /// Waits, never failures: HealthImaging's quotas (1 TPS, 100 concurrent jobs per data store) and the functions'
    /// reserved concurrency. A burst of batches is absorbed by waiting its turn, so these are retried for hours.
    /// </summary>
    public static readonly string[] QuotaErrors =
        ["ThrottlingException", "ServiceQuotaExceededException", "Lambda.TooManyRequestsException"];

    /// <summary>
    /// Transient faults: the handlers' <c>TransientServiceException</c> (a 5xx or network error after the SDK's own
    /// retries) and the Lambda service's own. Any other error is permanent and goes straight to RecordFailure.
    /// </summary>
    public static readonly string[] TransientErrors =
        ["TransientServiceException", "Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.Unknown", "Sandbox.Timedout"];

    /// <summary>Quota retries: 5 s doubling to 5 min with full jitter, about four hours in all.</summary>
    public const int QuotaMaxAttempts = 100;

    public const int TransientMaxAttempts = 6;

    /// <summary>The execution statuses that end without the definition's own RecordFailure state having run.</summary>
    public static readonly string[] UnrecordedStatuses = ["FAILED", "TIMED_OUT", "ABORTED"];

    public ImportStateMachine(Construct scope, string id, ImportStateMachineProps props) : base(scope, id)
    {
        var trigger = new Pass(this, "TriggerImport", new PassProps
        {
            Comment = "The execution input, written and validated by the TriggerImport Lambda",
        });
        var start = Invoke("StartImportJob", props.StartImportJob, "StartDICOMImportJob and record the job (SUBMITTED)");
        var wait = new Wait(this, "WaitForCompletion", new WaitProps
        {
            Time = WaitTime.Duration(props.PollInterval),
        });
        var check = Invoke("CheckStatus", props.CheckStatus, "GetDICOMImportJob and update the job record");
        var done = new Succeed(this, "Done");
        var isComplete = new Choice(this, "IsComplete")
            .When(Condition.BooleanEquals("$.isComplete", true), done)
            .Otherwise(wait);
        var failed = new Fail(this, "Failed", new FailProps
        {
            Error = "ImportFailed",
            Cause = "The import failed; the job record holds the error message",
        });
        var recordFailure = Invoke("RecordFailure", props.CheckStatus, "Record the job FAILED with the caught error");
        recordFailure.Next(failed);

        var onError = new CatchProps { Errors = [Errors.ALL], ResultPath = "$.error" };
        start.AddCatch(recordFailure, onError);
        check.AddCatch(recordFailure, onError);

        var definition = trigger.Next(start).Next(wait).Next(check).Next(isComplete);

        LogGroup = new LogGroup(this, "Logs", new LogGroupProps
        {
            Retention = props.LogRetention,
            RemovalPolicy = RemovalPolicy.RETAIN,
        });
        StateMachine = new StateMachine(this, "StateMachine", new StateMachineProps
        {
            StateMachineType = StateMachineType.STANDARD,
            DefinitionBody = DefinitionBody.FromChainable(definition),
            Timeout = props.Timeout,
            TracingEnabled = true,
            Logs = new LogOptions
            {
                Destination = LogGroup,
                Level = LogLevel.ALL,
                // Execution data holds study, series and instance UIDs; keep it out of the logs.
                IncludeExecutionData = false,
            },
        });
    }

    public StateMachine StateMachine { get; }

    public LogGroup LogGroup { get; }

    public string StateMachineArn => StateMachine.StateMachineArn;

    /// <summary>StartExecution only (TriggerImport).</summary>
    public Grant GrantStartExecution(IGrantable grantee) => StateMachine.GrantStartExecution(grantee);

    /// <summary>DescribeExecution on this state machine's executions (TriggerImport, for a batch already started).</summary>
    public Grant GrantDescribeExecution(IGrantable grantee) => StateMachine.GrantExecution(grantee, "states:DescribeExecution");

    /// <summary>
    /// An EventBridge rule on this state machine's executions that end FAILED, TIMED_OUT or ABORTED, invoking
    /// <paramref name="recorder"/> with the event; an event the target cannot take goes to <paramref name="deadLetters"/>.
    /// </summary>
    public Rule RecordFailedExecutions(IFunction recorder, IQueue deadLetters)
    {
        var rule = new Rule(this, "FailedExecutions", new RuleProps
        {
            Description = "Import executions that ended without recording their job: the recorder marks the job FAILED",
            EventPattern = new EventPattern
            {
                Source = ["aws.states"],
                DetailType = ["Step Functions Execution Status Change"],
                Detail = new Dictionary<string, object>
                {
                    ["status"] = UnrecordedStatuses,
                    ["stateMachineArn"] = new[] { StateMachine.StateMachineArn },
                },
            },
        });
        rule.AddTarget(new LambdaFunction(recorder, new LambdaFunctionProps
        {
            DeadLetterQueue = deadLetters,
            MaxEventAge = Duration.Hours(24),
            RetryAttempts = 185,
        }));
        return rule;
    }

    private LambdaInvoke Invoke(string name, IFunction function, string comment)
    {
        var task = new LambdaInvoke(this, name, new LambdaInvokeProps
        {
            Comment = comment,
            LambdaFunction = function,
            // The handler's response replaces the state (ImportState in, ImportState out).
            PayloadResponseOnly = true,
            RetryOnServiceExceptions = false,
            TaskTimeout = Amazon.CDK.AWS.StepFunctions.Timeout.Duration(Duration.Minutes(5)),
        });
        task.AddRetry(new RetryProps
        {
            Errors = QuotaErrors,
            Interval = Duration.Seconds(5),
            BackoffRate = 2,
            MaxAttempts = QuotaMaxAttempts,
            MaxDelay = Duration.Minutes(5),
            JitterStrategy = JitterType.FULL,
        });
        task.AddRetry(new RetryProps
        {
            Errors = TransientErrors,
            Interval = Duration.Seconds(2),
            BackoffRate = 2,
            MaxAttempts = TransientMaxAttempts,
            MaxDelay = Duration.Minutes(1),
            JitterStrategy = JitterType.FULL,
        });
        return task;
    }
}
