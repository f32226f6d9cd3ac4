namespace ImagingGateway.Infrastructure.Local.Workflow;

/// <summary>The state names of the import state machine (docs/contracts.md), and the execution statuses.</summary>
public static class WorkflowStates
{
    public const string TriggerImport = "TriggerImport";
    public const string StartImportJob = "StartImportJob";
    public const string WaitForCompletion = "WaitForCompletion";
    public const string CheckStatus = "CheckStatus";
    public const string IsComplete = "IsComplete";
    public const string RecordFailure = "RecordFailure";
    public const string Done = "Done";
    public const string Failed = "Failed";

    public const string Running = "RUNNING";
    public const string Succeeded = "SUCCEEDED";
    public const string ExecutionFailed = "FAILED";
    public const string TimedOut = "TIMED_OUT";
}
