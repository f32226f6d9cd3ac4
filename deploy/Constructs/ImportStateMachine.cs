using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.StepFunctions;
using Amazon.CDK.AWS.StepFunctions.Tasks;
using Constructs;

namespace ImagingGateway.Deploy.Constructs;

/// <summary>
/// The import workflow of docs/contracts.md, one execution per batch (execution name = batchId):
/// TriggerImport (Pass) → StartImportJob → WaitForCompletion → CheckStatus → IsComplete (loop or Done);
/// any error after its retries → RecordFailure (CheckStatus with <c>$.error</c>, marks the job FAILED) → Failed.
/// </summary>
public sealed class ImportStateMachine : Construct
{
    /// <summary>HealthImaging quota errors: the design says pace and retry, never fail a batch for them.</summary>
    public static readonly string[] QuotaErrors = ["ThrottlingException", "ServiceQuotaExceededException"];

    /// <summary>Transient invocation errors, retried with exponential backoff.</summary>
    public static readonly string[] TransientErrors =
        ["Lambda.TooManyRequestsException", "Lambda.ServiceException", "States.TaskFailed"];

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
            MaxAttempts = 20,
            MaxDelay = Duration.Minutes(5),
            JitterStrategy = JitterType.FULL,
        });
        task.AddRetry(new RetryProps
        {
            Errors = TransientErrors,
            Interval = Duration.Seconds(2),
            BackoffRate = 2,
            MaxAttempts = 6,
            MaxDelay = Duration.Minutes(1),
            JitterStrategy = JitterType.FULL,
        });
        return task;
    }
}
