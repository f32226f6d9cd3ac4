namespace ImagingGateway.Infrastructure.Local.Workflow;

/// <summary>
/// Settings of <see cref="InProcessImportWorkflow"/>. The retriers default to the state machine's
/// (deploy/Constructs/ImportStateMachine.cs): quota errors 5 s × 2^n up to 5 min, 20 times; every other task
/// failure 2 s × 2^n up to 1 min, 6 times; both with full jitter.
/// </summary>
public sealed class InProcessWorkflowOptions
{
    /// <summary>The WaitForCompletion state (30 s in the cloud; locally the stand-in is fast).</summary>
    public TimeSpan WaitInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The state machine's timeout: an execution still running this long after its start ends TIMED_OUT with
    /// States.Timeout (as a Step Functions execution does, without running the Catch).
    /// </summary>
    public TimeSpan ExecutionTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How many task states (StartImportJob, CheckStatus, RecordFailure) run at once across executions.</summary>
    public int MaxConcurrentTasks { get; set; } = 4;

    /// <summary>ThrottlingException, ServiceQuotaExceededException.</summary>
    public RetryPolicy QuotaRetry { get; set; } = new()
    {
        Interval = TimeSpan.FromSeconds(5),
        BackoffRate = 2,
        MaxAttempts = 20,
        MaxDelay = TimeSpan.FromMinutes(5),
    };

    /// <summary>Any other task failure (States.TaskFailed).</summary>
    public RetryPolicy TransientRetry { get; set; } = new()
    {
        Interval = TimeSpan.FromSeconds(2),
        BackoffRate = 2,
        MaxAttempts = 6,
        MaxDelay = TimeSpan.FromMinutes(1),
    };
}
